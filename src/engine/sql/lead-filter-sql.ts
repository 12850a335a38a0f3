import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import { formatDbDateTime } from '../../db/datetime.js';
import type { Database } from '../../db/schema.js';
import type { InstantRange, LeadFilter } from '../../domain/analytics-plan.js';
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

/** `column in (…)`; an empty list matches nothing (and `in ()` is not SQL). */
function inList(eb: LeadsExpressions, column: 'locale_id' | 'tier', values: readonly number[]): Expression<SqlBool> {
  return values.length === 0 ? sql<SqlBool>`1 = 0` : eb(column, 'in', [...values]);
}

/** The `where` condition of a LeadFilter (src/domain/analytics-plan.ts): every set field, and-ed. */
export function leadFilterCondition(eb: LeadsExpressions, filter: LeadFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.createdAt) conditions.push(...inRange(eb, 'created_at', filter.createdAt));
  if (filter.wonAt) conditions.push(...inRange(eb, 'won_at', filter.wonAt));
  if (filter.hasWonAt) conditions.push(eb('won_at', 'is not', null));
  if (filter.localeIds) conditions.push(inList(eb, 'locale_id', filter.localeIds));
  if (filter.salesmanId !== null) conditions.push(eb('salesman_id', '=', filter.salesmanId));
  if (filter.tiers) conditions.push(inList(eb, 'tier', filter.tiers));
  if (filter.virtualStage !== null) conditions.push(eb(virtualStageSql(), '=', filter.virtualStage));
  if (filter.product !== null) conditions.push(eb('product', '=', filter.product));
  if (filter.openOnly) conditions.push(eb('is_won', '=', 0), eb('is_lost', '=', 0));
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : eb.and(conditions);
}
