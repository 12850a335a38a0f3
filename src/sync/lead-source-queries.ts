import { sql, type AliasableExpression, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { SqlDialect } from '../db/dialect.js';
import type { CrmAnalyticsLeadsTable, Database, DbDateTime } from '../db/schema.js';
import { LEAD_COLUMN_NAMES, type LeadColumnName } from '../domain/lead-columns.js';
import type { RecordType } from '../domain/lead.js';

/**
 * The reads of the sync from the CRM's own tables (SPEC §1, §7 step 3 and 5): which records changed,
 * and each lead denormalized into a `crm_analytics_leads` row by one set-based query per record type.
 */

/** One row of `crm_analytics_leads`, as the denormalized queries produce it. */
export type LeadRow = Selectable<CrmAnalyticsLeadsTable>;

/**
 * A denormalized query's select expression for each column of `crm_analytics_leads`, keyed by
 * column name: a missing column, or one of the wrong type, is a type error.
 */
type LeadSelections = { readonly [N in LeadColumnName]: AliasableExpression<LeadRow[N]> };

/** The select list of a denormalized query: the declaration's order, which is the upsert's column order. */
function leadSelectList(selections: LeadSelections) {
  return LEAD_COLUMN_NAMES.map((name) => {
    const expression: AliasableExpression<unknown> = selections[name];
    return expression.as(name);
  });
}

/** The records a denormalized query covers: a list of ids (an incremental chunk) or the ids in [fromId, toId). */
export type IdScope = { readonly ids: readonly number[] } | { readonly fromId: number; readonly toId: number };

type Db = Kysely<Database>;

/**
 * Source rows changed at or after `watermark`, as record ids (repeated ids included: the caller
 * keeps a set). SPEC §7 says "> watermark"; the sync compares with ">=", a superset, so a row
 * stamped exactly at the previous watermark is never missed (and on SQLite, where datetimes compare
 * as text, the bound stays exact). `union all`, not `union`: SQLite plans a `union` as a merge in
 * id order and scans whole tables, where each branch alone is a range seek on its `created_at` index.
 */
export async function dirtyCompanyIds(db: Db, watermark: DbDateTime): Promise<number[]> {
  const since = (table: 'follow_up_comments' | 'shipments' | 'payment_history' | 'company_monthly_tiers') =>
    db.selectFrom(table).select('company_id as id').where('created_at', '>=', watermark);
  const rows = await db
    .selectFrom('companies')
    .select('id')
    .where('created_at', '>=', watermark)
    .unionAll(db.selectFrom('companies').select('id').where('updated_at', '>=', watermark))
    .unionAll(db.selectFrom('companies').select('id').where('deleted_at', '>=', watermark))
    .unionAll(since('follow_up_comments'))
    .unionAll(since('shipments'))
    .unionAll(since('payment_history'))
    .unionAll(since('company_monthly_tiers'))
    .unionAll(
      db
        .selectFrom('follow_up_data')
        .select('company_id as id')
        .where('created_at', '>=', watermark)
        .where('company_id', 'is not', null)
        .$narrowType<{ id: number }>(),
    )
    .execute();
  return rows.map((row) => Number(row.id));
}

/** Prospect ids changed at or after `watermark` (see dirtyCompanyIds for the comparison). */
export async function dirtyProspectIds(db: Db, watermark: DbDateTime): Promise<number[]> {
  const rows = await db
    .selectFrom('prospection_users')
    .select('id')
    .where('created_at', '>=', watermark)
    .unionAll(db.selectFrom('prospection_users').select('id').where('updated_at', '>=', watermark))
    .unionAll(db.selectFrom('prospection_users').select('id').where('deleted_at', '>=', watermark))
    .unionAll(db.selectFrom('prospect_follow_up_comments').select('prospect_id as id').where('created_at', '>=', watermark))
    .unionAll(
      db
        .selectFrom('follow_up_data')
        .select('prospect_id as id')
        .where('created_at', '>=', watermark)
        .where('prospect_id', 'is not', null)
        .$narrowType<{ id: number }>(),
    )
    .execute();
  return rows.map((row) => Number(row.id));
}

const ONE = sql.lit(1);
const ZERO = sql.lit(0);

/**
 * Every company lead of `scope` as a `crm_analytics_leads` row (SPEC §1–2), one set-based query:
 * the current follow-up is the greatest id, the tier the latest month (ties: greatest id), the last
 * activity the latest comment. Each per-lead lookup is an index seek on (company_id, …). A company
 * that does not qualify (soft-deleted, no follow-up) yields no row; nor does one whose locale or
 * stage row is missing, since its row could not be filled in.
 */
export function companyLeadsQuery(db: Db, dialect: SqlDialect, scope: IdScope, syncedAt: DbDateTime) {
  const query = db
    .selectFrom('companies as c')
    .innerJoin('follow_up_data as f', (join) =>
      join.on((eb) =>
        eb(
          'f.id',
          '=',
          eb.selectFrom('follow_up_data as latest').select((e) => e.fn.max('latest.id').as('id')).whereRef('latest.company_id', '=', 'c.id'),
        ),
      ),
    )
    .innerJoin('locales as l', 'l.id', 'c.locale_id')
    .innerJoin('crm_stages as s', 's.id', 'f.stage_id')
    .leftJoin('salesmen as sm', 'sm.id', 'c.salesman_id')
    .where('c.deleted_at', 'is', null)
    .where((eb) => scopeCondition(eb, 'c.id', scope))
    .select((eb) =>
      leadSelectList({
        record_type: sql.lit('company'),
        record_id: eb.ref('c.id'),
        name: eb.ref('c.name'),
        salesman_id: eb.ref('c.salesman_id'),
        salesman_name: eb.ref('sm.name'),
        locale_id: eb.ref('c.locale_id'),
        locale_rate: eb.ref('l.rate'),
        tier: eb
          .selectFrom('company_monthly_tiers as t')
          .select('t.tier')
          .whereRef('t.company_id', '=', 'c.id')
          .orderBy('t.month', 'desc')
          .orderBy('t.id', 'desc')
          .limit(1)
          .$asScalar(),
        stage_id: eb.ref('f.stage_id'),
        stage_name: eb.ref('s.name'),
        stage_color: eb.ref('s.color'),
        product: eb.ref('f.product'),
        monthly_shipments: eb.ref('f.monthly_shipments'),
        account_value: eb.ref('f.account_value'),
        is_won: eb.ref('f.is_won'),
        is_lost: eb.ref('f.is_lost'),
        won_at: eb.ref('f.won_at'),
        closing_days: dialect.statements.wholeDaysBetween(eb.ref('c.created_at'), eb.ref('f.won_at')),
        has_shipment: eb
          .case()
          .when(eb.exists(eb.selectFrom('shipments as sh').select(ONE.as('one')).whereRef('sh.company_id', '=', 'c.id')))
          .then(ONE)
          .else(ZERO)
          .end(),
        has_recharge: eb
          .case()
          .when(eb.exists(eb.selectFrom('payment_history as ph').select(ONE.as('one')).whereRef('ph.company_id', '=', 'c.id')))
          .then(ONE)
          .else(ZERO)
          .end(),
        last_activity_at: eb
          .selectFrom('follow_up_comments as m')
          .select((e) => e.fn.max('m.created_at').as('at'))
          .whereRef('m.company_id', '=', 'c.id')
          .$asScalar(),
        created_at: eb.ref('c.created_at'),
        synced_at: dialect.statements.dateTimeValue(syncedAt),
      }),
    );
  return query.$castTo<LeadRow>();
}

/**
 * Every prospect lead of `scope` (SPEC §1–2): not deleted, not disqualified, not re-linked to a
 * company, with a follow-up. Prospects have no tier, shipments or recharges.
 */
export function prospectLeadsQuery(db: Db, dialect: SqlDialect, scope: IdScope, syncedAt: DbDateTime) {
  const query = db
    .selectFrom('prospection_users as p')
    .innerJoin('follow_up_data as f', (join) =>
      join.on((eb) =>
        eb(
          'f.id',
          '=',
          eb.selectFrom('follow_up_data as latest').select((e) => e.fn.max('latest.id').as('id')).whereRef('latest.prospect_id', '=', 'p.id'),
        ),
      ),
    )
    .innerJoin('locales as l', 'l.id', 'p.locale_id')
    .innerJoin('crm_stages as s', 's.id', 'f.stage_id')
    .leftJoin('salesmen as sm', 'sm.id', 'p.salesman_id')
    .where('p.deleted_at', 'is', null)
    .where('p.is_disqualified', '=', 0)
    .where('p.company_id', 'is', null)
    .where((eb) => scopeCondition(eb, 'p.id', scope))
    .select((eb) =>
      leadSelectList({
        record_type: sql.lit('prospect'),
        record_id: eb.ref('p.id'),
        name: eb.ref('p.company_name'),
        salesman_id: eb.ref('p.salesman_id'),
        salesman_name: eb.ref('sm.name'),
        locale_id: eb.ref('p.locale_id'),
        locale_rate: eb.ref('l.rate'),
        tier: sql<number | null>`null`,
        stage_id: eb.ref('f.stage_id'),
        stage_name: eb.ref('s.name'),
        stage_color: eb.ref('s.color'),
        product: eb.ref('f.product'),
        monthly_shipments: eb.ref('f.monthly_shipments'),
        account_value: eb.ref('f.account_value'),
        is_won: eb.ref('f.is_won'),
        is_lost: eb.ref('f.is_lost'),
        won_at: eb.ref('f.won_at'),
        closing_days: dialect.statements.wholeDaysBetween(eb.ref('p.created_at'), eb.ref('f.won_at')),
        has_shipment: ZERO,
        has_recharge: ZERO,
        last_activity_at: eb
          .selectFrom('prospect_follow_up_comments as m')
          .select((e) => e.fn.max('m.created_at').as('at'))
          .whereRef('m.prospect_id', '=', 'p.id')
          .$asScalar(),
        created_at: eb.ref('p.created_at'),
        synced_at: dialect.statements.dateTimeValue(syncedAt),
      }),
    );
  return query.$castTo<LeadRow>();
}

export function leadsQuery(type: RecordType, db: Db, dialect: SqlDialect, scope: IdScope, syncedAt: DbDateTime) {
  return type === 'company' ? companyLeadsQuery(db, dialect, scope, syncedAt) : prospectLeadsQuery(db, dialect, scope, syncedAt);
}

function scopeCondition<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, column: 'c.id' | 'p.id', scope: IdScope) {
  const ref = sql.ref(column);
  if ('ids' in scope) return eb(ref, 'in', scope.ids.length > 0 ? [...scope.ids] : [-1]);
  return eb.and([eb(ref, '>=', scope.fromId), eb(ref, '<', scope.toId)]);
}

/** Smallest and greatest id of a record table, for the full build's walk over id ranges; null when empty. */
export async function idSpan(db: Db, type: RecordType): Promise<{ min: number; max: number; count: number } | null> {
  const table = type === 'company' ? 'companies' : 'prospection_users';
  const row = await db
    .selectFrom(table)
    .select((eb) => [eb.fn.min('id').as('min'), eb.fn.max('id').as('max'), eb.fn.countAll().as('count')])
    .executeTakeFirst();
  if (row?.min === null || row?.min === undefined || row.max === null) return null;
  return { min: Number(row.min), max: Number(row.max), count: Number(row.count) };
}
