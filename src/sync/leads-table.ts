import { sql, type Expression, type Kysely } from 'kysely';
import { parseDbDateTime } from '../db/datetime.js';
import type { SqlDialect } from '../db/dialect.js';
import type { Database, DbDateTime } from '../db/schema.js';
import { LEAD_COLUMN_NAMES, LEAD_KEY_COLUMNS, LEAD_VALUE_COLUMNS } from '../domain/lead-columns.js';
import { BELOW_EVERY_RECORD_ID, RECORD_TYPES, type LeadKey, type RecordType } from '../domain/lead.js';
import type { LeadRow } from './lead-source-queries.js';

type Db = Kysely<Database>;

/** The sync's reads and writes of `crm_analytics_leads`, the table it owns. */

/**
 * `insert into crm_analytics_leads (…) select …` as an upsert: chunks and full-build ranges are
 * written without the rows ever leaving the database.
 */
export async function upsertLeadRowsFrom(
  db: Db,
  dialect: SqlDialect,
  select: Expression<LeadRow>,
): Promise<void> {
  await db
    .insertInto('crm_analytics_leads')
    .columns(LEAD_COLUMN_NAMES)
    .expression(select)
    .modifyEnd(dialect.statements.upsertClause(LEAD_KEY_COLUMNS, LEAD_VALUE_COLUMNS))
    .execute();
}

/**
 * The rows of `ids` split by whether they carry `syncedAt` (this run wrote them) or not (their
 * record did not qualify when the run re-fetched it).
 */
export async function chunkRowsBySyncedAt(
  db: Db,
  type: RecordType,
  ids: readonly number[],
  syncedAt: DbDateTime,
): Promise<{ written: number[]; stale: number[] }> {
  const rows = await db
    .selectFrom('crm_analytics_leads')
    .select(['record_id', 'synced_at'])
    .where('record_type', '=', type)
    .where('record_id', 'in', [...ids])
    .execute();
  // Compared as instants: PostgreSQL prints `…00.120` as `…00.12`.
  const runInstant = parseDbDateTime(syncedAt);
  const written: number[] = [];
  const stale: number[] = [];
  for (const row of rows) (parseDbDateTime(row.synced_at) === runInstant ? written : stale).push(Number(row.record_id));
  return { written, stale };
}

export async function deleteLeadRows(db: Db, type: RecordType, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .deleteFrom('crm_analytics_leads')
    .where('record_type', '=', type)
    .where('record_id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The `limit` rows synced longest ago (SPEC §7 step 4). Rows synced by the same run tie; any order
 * among them keeps the guarantee, since a refreshed row always moves behind every stale one.
 */
export async function leastRecentlySynced(db: Db, limit: number): Promise<LeadKey[]> {
  if (limit <= 0) return [];
  const rows = await db
    .selectFrom('crm_analytics_leads')
    .select(['record_type', 'record_id'])
    .orderBy('synced_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ record_type: row.record_type, record_id: Number(row.record_id) }));
}

/**
 * Rows of `crm_analytics_leads` per statement of nonQualifyingLeadKeys: better-sqlite3 runs a
 * statement synchronously, and one walk of a million rows held the event loop for 0.75 s; a slice
 * of 25,000 rows takes ~20 ms, with a turn for other work after it.
 */
const NON_QUALIFYING_SLICE_ROWS = 25_000;

/**
 * Rows whose source record no longer qualifies or no longer exists (SPEC §7 step 6): a walk of the
 * table's primary key, a slice of rows at a time (the slice's last id found by a seek on the key),
 * with a primary-key seek and an index seek per row. Written as "the qualifying record's id is
 * null" (a scalar subquery) rather than `not exists`: PostgreSQL turns `not exists` into an anti
 * join planned from statistics, and on tables without them (a freshly loaded CRM) it chose a
 * nested loop that compared every row with every row — 90 s for 45,000 prospects. A scalar
 * subquery is always a seek per row, on every dialect.
 */
export async function nonQualifyingLeadKeys(db: Db): Promise<LeadKey[]> {
  const keys: LeadKey[] = [];
  for (const type of RECORD_TYPES) {
    for (let after = BELOW_EVERY_RECORD_ID; ; ) {
      const last = await db
        .selectFrom('crm_analytics_leads')
        .select('record_id')
        .where('record_type', '=', type)
        .where('record_id', '>', after)
        .orderBy('record_id')
        .limit(1)
        .offset(NON_QUALIFYING_SLICE_ROWS - 1)
        .executeTakeFirst();
      const upTo = last === undefined ? null : Number(last.record_id);
      const rows = await nonQualifyingInSlice(db, type, after, upTo).execute();
      for (const row of rows) keys.push({ record_type: type, record_id: Number(row.record_id) });
      if (upTo === null) break;
      after = upTo;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return keys;
}

/** The rows of one slice, record ids in (after, upTo], or (after, ∞) for the last slice. */
function nonQualifyingInSlice(db: Db, type: RecordType, after: number, upTo: number | null) {
  const slice = db
    .selectFrom('crm_analytics_leads as l')
    .select('l.record_id')
    .where('l.record_type', '=', type)
    .where('l.record_id', '>', after)
    .$if(upTo !== null, (query) => query.where('l.record_id', '<=', upTo ?? 0));
  if (type === 'company') {
    return slice.where(
      (eb) =>
        eb
          .selectFrom('companies as c')
          .select('c.id')
          .whereRef('c.id', '=', 'l.record_id')
          .where('c.deleted_at', 'is', null)
          .where((inner) => inner.exists(inner.selectFrom('follow_up_data as f').select(sql.lit(1).as('one')).whereRef('f.company_id', '=', 'c.id'))),
      'is',
      null,
    );
  }
  return slice.where(
    (eb) =>
      eb
        .selectFrom('prospection_users as p')
        .select('p.id')
        .whereRef('p.id', '=', 'l.record_id')
        .where('p.deleted_at', 'is', null)
        .where('p.is_disqualified', '=', 0)
        .where('p.company_id', 'is', null)
        .where((inner) => inner.exists(inner.selectFrom('follow_up_data as f').select(sql.lit(1).as('one')).whereRef('f.prospect_id', '=', 'p.id'))),
    'is',
    null,
  );
}

/** Rows a run wrote: they carry its `synced_at`, which no other run shares. */
export async function countLeadsSyncedAt(db: Db, dialect: SqlDialect, syncedAt: DbDateTime): Promise<number> {
  const row = await db
    .selectFrom('crm_analytics_leads')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('synced_at', '=', dialect.statements.dateTimeValue(syncedAt))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Every row of the table: after a successful run, the leads of the latest generation. */
export async function countLeadRows(db: Db): Promise<number> {
  const row = await db
    .selectFrom('crm_analytics_leads')
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
