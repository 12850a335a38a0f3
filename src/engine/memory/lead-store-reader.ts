import { sql, type Kysely } from 'kysely';
import type { ReadSnapshot } from '../../db/dialect.js';
import { numberFromDriver } from '../../db/driver-numbers.js';
import type { Database } from '../../db/schema.js';
import type { DataGeneration } from '../../domain/data-generation.js';
import { BELOW_EVERY_RECORD_ID, RECORD_TYPES } from '../../domain/lead.js';
import type { SyncLogReads } from '../analytics-engine.js';
import type { LeadStoreBuilder } from './lead-store-builder.js';
import type { LeadKeyChecksum } from './lead-store.js';
import { recordIdOfKey, type RowArrays } from './row-decoding.js';
import { ROW_LAYOUT } from './store-columns.js';

/** Rows per query: bounded memory for the row objects, and the event loop gets a turn between pages. */
const PAGE_ROWS = 20_000;
/**
 * Ids per `in (…)` list of a partial read: within every driver's parameter limit, and short
 * enough (a primary-key seek each) that SQLite, which runs a statement synchronously, holds the
 * event loop a few ms per statement (1,000 ids took 20–80 ms at 1,000,000 leads under load).
 */
const IDS_PER_QUERY = 250;

/** The values of ROW_LAYOUT as SQL, aliased `v0`, `v1`, … for the reads through Kysely. */
const ALIASES = ROW_LAYOUT.expressions.map((_, index) => `v${index}`);
const SELECTIONS = ROW_LAYOUT.expressions.map((expression, index) => sql.raw(expression).as(ALIASES[index] as string));

/** Row objects as the row arrays of ROW_LAYOUT. */
function rowArraysOf(rows: readonly Record<string, unknown>[]): unknown[][] {
  return rows.map((row) => ALIASES.map((alias) => row[alias]));
}

export interface LeadTableReading {
  /** The latest successful sync, read in the same snapshot as the rows. */
  readonly generation: DataGeneration | null;
  /**
   * Of the whole table, read in the same snapshot; null after a full read (nothing to check) and
   * when a partial read gave up (more than `mostChangedRows` changed: load everything instead).
   */
  readonly checksum: LeadKeyChecksum | null;
}

/**
 * Rows per statement of keyChecksumOf: a `group by` over the whole table held the event loop for
 * ~150 ms at 1,000,000 leads (SQLite runs a statement synchronously); a slice of 50,000 rows of
 * the primary key takes a few ms, with a turn after each.
 */
const CHECKSUM_SLICE_ROWS = 50_000;

async function keyChecksumOf(db: Kysely<Database>): Promise<LeadKeyChecksum> {
  const sums = RECORD_TYPES.map(() => ({ leads: 0, ids: 0 }));
  for (const [code, type] of RECORD_TYPES.entries()) {
    for (let after = BELOW_EVERY_RECORD_ID; ; ) {
      // The slice's last id, by a seek on the primary key; the last slice is open-ended.
      const last = await db
        .selectFrom('crm_analytics_leads')
        .select('record_id')
        .where('record_type', '=', type)
        .where('record_id', '>', after)
        .orderBy('record_id')
        .limit(1)
        .offset(CHECKSUM_SLICE_ROWS - 1)
        .executeTakeFirst();
      const upTo = last === undefined ? null : numberFromDriver(last.record_id);
      const row = await db
        .selectFrom('crm_analytics_leads')
        .select((eb) => [eb.fn.countAll().as('leads'), eb.fn.sum('record_id').as('ids')])
        .where('record_type', '=', type)
        .where('record_id', '>', after)
        .$if(upTo !== null, (query) => query.where('record_id', '<=', upTo ?? 0))
        .executeTakeFirstOrThrow();
      const sum = sums[code] as { leads: number; ids: number };
      sum.leads += numberFromDriver(row.leads);
      sum.ids += numberFromDriver(row.ids ?? 0);
      if (upTo === null) break;
      after = upTo;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const [companies, prospects] = sums as [{ leads: number; ids: number }, { leads: number; ids: number }];
  return { companies: companies.leads, companyIds: companies.ids, prospects: prospects.leads, prospectIds: prospects.ids };
}

/**
 * Reads `crm_analytics_leads` into `builder` — every row, or those written by sync runs after the
 * run `writtenAfterRun` — from a consistent snapshot (DatabaseHandle.readSnapshot), as arrays of
 * the values of ROW_LAYOUT: through the dialect's row-array scan where it has one (SQLite), else
 * page by page in primary-key order, yielding between pages.
 *
 * A run writes `synced_at` = its `started_at`, and runs follow one another under the sync lock, so
 * the rows of later runs (failed ones included) are exactly those with a later `synced_at`. The
 * bound is the logged `started_at` text itself, bound as read: no formatting can shift it.
 */
export async function readLeadTable(
  snapshot: ReadSnapshot,
  syncLog: SyncLogReads,
  builder: LeadStoreBuilder,
  options: { readonly writtenAfterRun?: number; readonly mostChangedRows?: number } = {},
): Promise<LeadTableReading> {
  const { db, scanRowArrays } = snapshot;
  const generation = await syncLog.latestGeneration(db);
  const addRows = (rows: RowArrays) => builder.addRowArrays(rows);
  if (options.writtenAfterRun === undefined) {
    const { leads } = await db.selectFrom('crm_analytics_leads').select((eb) => eb.fn.countAll().as('leads')).executeTakeFirstOrThrow();
    builder.reserve(builder.size + numberFromDriver(leads));
    if (scanRowArrays !== null) await scanRowArrays('crm_analytics_leads', ROW_LAYOUT.expressions, addRows);
    else await scanByPrimaryKey(db, addRows);
    // A full read holds the table's keys by construction: nothing to check.
    return { generation, checksum: null };
  }
  // The keys first, through the synced_at index; then the rows by primary key, a slice of ids at
  // a time. (Filtering a primary-key walk by synced_at read the whole table: 0.8 s at 1,000,000.)
  const runStartedAt = await syncLog.runStartedAt(db, options.writtenAfterRun);
  // The run's log row is gone (never, short of someone editing the log): load everything instead.
  if (runStartedAt === null) return { generation, checksum: null };
  const keys = await db
    .selectFrom('crm_analytics_leads')
    .select(['record_type', 'record_id'])
    .where('synced_at', '>', runStartedAt)
    .execute();
  // After a full build elsewhere every row changed: reading them by key would be slower than a load.
  if (options.mostChangedRows !== undefined && keys.length > options.mostChangedRows) return { generation, checksum: null };
  for (const type of RECORD_TYPES) {
    const ids = keys.filter((key) => key.record_type === type).map((key) => numberFromDriver(key.record_id));
    ids.sort((a, b) => a - b);
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const slice = ids.slice(start, start + IDS_PER_QUERY);
      const rows = await db.selectFrom('crm_analytics_leads').select(SELECTIONS).where('record_type', '=', type).where('record_id', 'in', slice).execute();
      addRows(rowArraysOf(rows));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { generation, checksum: await keyChecksumOf(db) };
}

/**
 * Every row, page by page by record_id within each record type: a plain range on the primary key,
 * which every database walks as an index range (a row-value comparison is not always one).
 */
async function scanByPrimaryKey(db: Kysely<Database>, onChunk: (rows: RowArrays) => void): Promise<void> {
  for (const type of RECORD_TYPES) {
    let afterId = -1;
    for (;;) {
      const rows = rowArraysOf(
        await db
          .selectFrom('crm_analytics_leads')
          .select(SELECTIONS)
          .where('record_type', '=', type)
          .where('record_id', '>', afterId)
          .orderBy('record_id')
          .limit(PAGE_ROWS)
          .execute(),
      );
      onChunk(rows);
      const last = rows.at(-1);
      if (last === undefined || rows.length < PAGE_ROWS) break;
      afterId = recordIdOfKey(last[ROW_LAYOUT.key]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
