import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { formatDbDateTime, parseDbDateTime, parseNullableDbDateTime } from '../../db/datetime.js';
import type { DialectSchema } from '../../db/dialect.js';
import { nullableNumberFromDriver, numberFromDriver } from '../../db/driver-numbers.js';
import type { Database } from '../../db/schema.js';
import type { DataGeneration } from '../../domain/data-generation.js';
import {
  OUTCOME_BUCKET_STAGES,
  leadListRowOf,
  type LeadListFilter,
  type LeadListRow,
  type LeadListSort,
  type LeadPosition,
} from '../../domain/lead-list.js';
import type { SyncLogReads } from '../analytics-engine.js';
import type { LeadListEngine, LeadListExport, LeadListPage, LeadListPageRequest } from '../lead-list-engine.js';
import { leadFilterCondition, virtualStageSql } from './lead-filter-sql.js';
import { readWithGeneration } from './read-with-generation.js';

type LeadsExpressions = ExpressionBuilder<Database, 'crm_analytics_leads'>;

/** Rows per query of a CSV export: each is a keyset page of its own, so no statement holds a connection long. */
const EXPORT_BATCH_ROWS = 2_000;

/**
 * The lead list (SPEC §10) over `crm_analytics_leads` with keyset pagination: a page is the rows
 * after the cursor's position in the order's index (migration 0004), `limit + 1` of them (the
 * extra one says whether a next page exists), and the total, read in one read-only transaction.
 * `-value_usd` orders by `account_value / locale_rate` in doubles (the dialect's `asDouble`), the
 * double the domain computes, so positions compare alike in both engines.
 */
export function createSqlLeadList(db: Kysely<Database>, schema: DialectSchema, syncLog: Pick<SyncLogReads, 'latestGeneration'>): LeadListEngine {
  const valueSql = sql<number>`${schema.asDouble('account_value')} / ${schema.asDouble('locale_rate')}`;

  function where(eb: LeadsExpressions, filter: LeadListFilter): Expression<SqlBool> {
    const conditions = [leadFilterCondition(eb, filter.leads)];
    if (filter.outcome === 'remaining') conditions.push(eb(virtualStageSql(), 'not in', Object.values(OUTCOME_BUCKET_STAGES)));
    else if (filter.outcome !== null) conditions.push(eb(virtualStageSql(), '=', OUTCOME_BUCKET_STAGES[filter.outcome]));
    return eb.and(conditions);
  }

  /**
   * Rows after `position` in the order of `created_at, record_type, record_id`. Instants are
   * compared as ranges of bounds [c, c + 1 ms) written as UTC text, which stay exact on SQLite's
   * text datetimes whether a value was stored with or without `.SSS` (src/db/datetime.ts).
   */
  function createdAfter(eb: LeadsExpressions, position: LeadPosition): Expression<SqlBool> {
    const at = formatDbDateTime(position.created_at);
    const next = formatDbDateTime(position.created_at + 1);
    // The leading `created_at >= at` is a range the index can seek to; the rest picks within it.
    return eb.and([
      eb('created_at', '>=', at),
      eb.or([
        eb('created_at', '>=', next),
        eb.and([
          eb('created_at', '<', next),
          eb.or([
            eb('record_type', '>', position.record_type),
            eb.and([eb('record_type', '=', position.record_type), eb('record_id', '>', position.record_id)]),
          ]),
        ]),
      ]),
    ]);
  }

  function after(eb: LeadsExpressions, sort: LeadListSort, position: LeadPosition): Expression<SqlBool> {
    if (sort === 'created_at') return createdAfter(eb, position);
    const value = position.value ?? 0;
    // `value <= v` first: a range the expression index can seek to (an OR alone makes it scan from the top).
    return eb.and([eb(valueSql, '<=', value), eb.or([eb(valueSql, '<', value), createdAfter(eb, position)])]);
  }

  function rowsQuery(trx: Kysely<Database>, filter: LeadListFilter, sort: LeadListSort, position: LeadPosition | null, limit: number) {
    let query = trx
      .selectFrom('crm_analytics_leads')
      .select([
        'record_type',
        'record_id',
        'name',
        'salesman_id',
        'salesman_name',
        'locale_id',
        'locale_rate',
        'tier',
        'stage_name',
        'stage_color',
        'product',
        'monthly_shipments',
        'is_won',
        'is_lost',
        'has_shipment',
        'has_recharge',
        'won_at',
        'closing_days',
        'created_at',
        'last_activity_at',
      ])
      .select([sql<number>`round(account_value * 100)`.as('account_cents'), valueSql.as('value_key')])
      .where((eb) => (position === null ? where(eb, filter) : eb.and([where(eb, filter), after(eb, sort, position)])));
    if (sort === '-value_usd') query = query.orderBy(valueSql, 'desc');
    return query.orderBy('created_at').orderBy('record_type').orderBy('record_id').limit(limit);
  }

  type SelectedRow = Awaited<ReturnType<ReturnType<typeof rowsQuery>['execute']>>[number];

  function rowOf(row: SelectedRow, now: number): { row: LeadListRow; position: LeadPosition } {
    const createdAt = parseDbDateTime(row.created_at);
    const recordId = numberFromDriver(row.record_id);
    return {
      row: leadListRowOf(
        {
          record_type: row.record_type,
          record_id: recordId,
          name: row.name,
          salesman_id: nullableNumberFromDriver(row.salesman_id),
          salesman_name: row.salesman_name,
          locale_id: numberFromDriver(row.locale_id),
          locale_rate: numberFromDriver(row.locale_rate),
          tier: nullableNumberFromDriver(row.tier),
          stage_name: row.stage_name,
          stage_color: row.stage_color,
          product: row.product,
          monthly_shipments: numberFromDriver(row.monthly_shipments),
          account_cents: numberFromDriver(row.account_cents),
          is_won: numberFromDriver(row.is_won),
          is_lost: numberFromDriver(row.is_lost),
          has_shipment: numberFromDriver(row.has_shipment),
          has_recharge: numberFromDriver(row.has_recharge),
          won_at: parseNullableDbDateTime(row.won_at),
          closing_days: nullableNumberFromDriver(row.closing_days),
          created_at: createdAt,
          last_activity_at: parseNullableDbDateTime(row.last_activity_at),
        },
        now,
      ),
      position: { created_at: createdAt, record_type: row.record_type, record_id: recordId, value: numberFromDriver(row.value_key) },
    };
  }

  async function total(trx: Kysely<Database>, filter: LeadListFilter): Promise<number> {
    const row = await trx
      .selectFrom('crm_analytics_leads')
      .where((eb) => where(eb, filter))
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirst();
    return numberFromDriver(row?.count);
  }

  return {
    async page(request: LeadListPageRequest, now: number): Promise<LeadListPage> {
      const { filter, sort, limit } = request;
      return readWithGeneration(db, syncLog, async (trx, generation) => {
        const count = await total(trx, filter);
        const selected = (await rowsQuery(trx, filter, sort, request.after, limit + 1).execute()).map((row) => rowOf(row, now));
        const page = selected.slice(0, limit);
        const last = page.at(-1);
        return {
          total: count,
          rows: page.map((entry) => entry.row),
          next: selected.length > limit && last !== undefined ? { ...last.position, value: sort === '-value_usd' ? last.position.value : null } : null,
          generation,
        };
      });
    },

    async exportRows(filter: LeadListFilter, sort: LeadListSort, now: number): Promise<LeadListExport> {
      const generation: DataGeneration | null = await syncLog.latestGeneration(db);
      async function* batches(): AsyncGenerator<readonly LeadListRow[]> {
        let position: LeadPosition | null = null;
        for (;;) {
          const selected: { row: LeadListRow; position: LeadPosition }[] = (await rowsQuery(db, filter, sort, position, EXPORT_BATCH_ROWS).execute()).map((row) =>
            rowOf(row, now),
          );
          if (selected.length > 0) yield selected.map((entry) => entry.row);
          const last = selected.at(-1);
          if (selected.length < EXPORT_BATCH_ROWS || last === undefined) return;
          position = last.position;
        }
      }
      return { generation, batches: batches() };
    },
  };
}
