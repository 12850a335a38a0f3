import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import { formatDbDateTime } from '../../db/datetime.js';
import type { Database } from '../../db/schema.js';
import type { InstantRange, LeadFilter } from '../../domain/analytics-plan.js';
import { MAX_RECORD_ID } from '../../domain/lead.js';
import { IN_RECHARGE_STAGE, LOST_STAGE, WON_STAGE } from '../../domain/virtual-stage.js';

type LeadsExpressions = ExpressionBuilder<Database, 'crm_analytics_leads'>;

/**
 * The virtual stage of SPEC §3 as one portable SQL expression, the same priority as
 * `virtualStageOf` (src/domain/virtual-stage.ts): lost, won, in_recharge, pipeline stage.
 */
export function virtualStageSql(): RawBuilder<string> {
  const column = (name: string) => sql.ref(`crm_analytics_leads.${name}`);
  return sql<string>`case when ${column('is_lost')} = 1 then ${sql.lit(LOST_STAGE)} when ${column('is_won')} = 1 then ${sql.lit(WON_STAGE)} when ${column('has_recharge')} = 1 and ${column('has_shipment')} = 0 then ${sql.lit(IN_RECHARGE_STAGE)} else ${column('stage_name')} end`;
}

/**
 * Datetime bounds are bound as UTC text (src/db/datetime.ts): a whole-second bound compares
 * exactly on SQLite's text columns as well as on MySQL's and PostgreSQL's datetimes.
 */
function inRange(eb: LeadsExpressions, column: 'created_at' | 'won_at', range: InstantRange): Expression<SqlBool>[] {
  return [eb(column, '>=', formatDbDateTime(range.from)), eb(column, '<', formatDbDateTime(range.to))];
}

const MATCHES_NOTHING = sql<SqlBool>`1 = 0`;

/**
 * The id columns are 32-bit integers on every dialect (MAX_RECORD_ID). A valid parameter may name
 * a larger id (SPEC §4 only asks for a positive integer): no row holds it, and PostgreSQL refuses
 * to compare an integer column with it ("out of range for type integer", a 500). It matches nothing.
 */
const MAX_ID = MAX_RECORD_ID;

/** `column in (…)`; an empty list matches nothing (and `in ()` is not SQL). */
function inList(eb: LeadsExpressions, column: 'locale_id' | 'tier', values: readonly number[]): Expression<SqlBool> {
  const storable = values.filter((value) => value <= MAX_ID);
  return storable.length === 0 ? MATCHES_NOTHING : eb(column, 'in', storable);
}

/**
 * `product = value`. PostgreSQL text cannot hold U+0000 and refuses it as a parameter (a 500):
 * a product containing it matches nothing, on every dialect alike.
 */
function productIs(eb: LeadsExpressions, product: string): Expression<SqlBool> {
  return product.includes('\u0000') ? MATCHES_NOTHING : eb('product', '=', product);
}

/** The `where` condition of a LeadFilter (src/domain/analytics-plan.ts): every set field, and-ed. */
export function leadFilterCondition(eb: LeadsExpressions, filter: LeadFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.createdAt) conditions.push(...inRange(eb, 'created_at', filter.createdAt));
  if (filter.wonAt) conditions.push(...inRange(eb, 'won_at', filter.wonAt));
  if (filter.hasWonAt) conditions.push(eb('won_at', 'is not', null));
  if (filter.localeIds) conditions.push(inList(eb, 'locale_id', filter.localeIds));
  if (filter.salesmanId !== null) conditions.push(filter.salesmanId <= MAX_ID ? eb('salesman_id', '=', filter.salesmanId) : MATCHES_NOTHING);
  if (filter.tiers) conditions.push(inList(eb, 'tier', filter.tiers));
  if (filter.virtualStage !== null) conditions.push(eb(virtualStageSql(), '=', filter.virtualStage));
  if (filter.product !== null) conditions.push(productIs(eb, filter.product));
  if (filter.openOnly) conditions.push(eb('is_won', '=', 0), eb('is_lost', '=', 0));
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : eb.and(conditions);
}
