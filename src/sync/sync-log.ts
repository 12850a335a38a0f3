import { sql, type Kysely, type Selectable } from 'kysely';
import { formatDbDateTime } from '../db/datetime.js';
import type { SqlDialect } from '../db/dialect.js';
import { parseDbDateTime } from '../db/datetime.js';
import type { CrmAnalyticsSyncLogTable, Database, DbDateTime } from '../db/schema.js';
import type { DataGeneration } from '../domain/data-generation.js';
import type { SyncCounts } from './sync-events.js';

type Db = Kysely<Database>;

/** The database clock as a value for a datetime column (a timestamp, not text, on PostgreSQL). */
const databaseNowValue = (dialect: SqlDialect) => sql<DbDateTime>`${dialect.schema.currentDateTimeDefault()}`;

/**
 * `crm_analytics_sync_log`: one row per run (SPEC §2), `running` until it ends `ok` or `failed`.
 * The sync writes it and this module answers every read of it: the engines, the analytics service
 * and the memory store ask through `syncLog` (handed to them by the composition root).
 */

/**
 * The latest successful sync run, or null before the first one. An `ok` run always has a
 * watermark (SPEC §7); a row without one is skipped rather than trusted.
 */
async function latestGeneration(db: Db): Promise<DataGeneration | null> {
  const row = await db
    .selectFrom('crm_analytics_sync_log')
    .select(['id', 'watermark'])
    .where('status', '=', 'ok')
    .where('watermark', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined || row.watermark === null) return null;
  return { id: Number(row.id), watermark: new Date(parseDbDateTime(row.watermark)).toISOString() };
}

/**
 * A run's `started_at` as the log holds it: every row a run writes carries it as `synced_at`, so
 * the rows of later runs are those with a greater `synced_at`. Null when there is no such run.
 */
async function runStartedAt(db: Db, runId: number): Promise<DbDateTime | null> {
  const row = await db.selectFrom('crm_analytics_sync_log').select('started_at').where('id', '=', runId).executeTakeFirst();
  return row?.started_at ?? null;
}

/**
 * A run as the log holds it (SPEC §2), every column, its datetimes as ISO-8601 UTC with
 * milliseconds: what `GET /crm/analytics/sync/status` lists.
 */
export interface SyncRunRecord {
  readonly id: number;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly watermark: string | null;
  readonly dirty_count: number | null;
  readonly rolling_count: number | null;
  readonly upserted_count: number | null;
  readonly deleted_count: number | null;
  readonly duration_ms: number | null;
  readonly status: 'running' | 'ok' | 'failed';
  readonly error: string | null;
}

const isoOf = (value: DbDateTime | Date | null): string | null => (value === null ? null : new Date(parseDbDateTime(value)).toISOString());
const numberOf = (value: number | string | bigint | null): number | null => (value === null ? null : Number(value));

const SYNC_LOG_COLUMNS = [
  'id',
  'started_at',
  'finished_at',
  'watermark',
  'dirty_count',
  'rolling_count',
  'upserted_count',
  'deleted_count',
  'duration_ms',
  'status',
  'error',
] as const;

function runRecord(row: Selectable<CrmAnalyticsSyncLogTable>): SyncRunRecord {
  return {
    id: Number(row.id),
    started_at: isoOf(row.started_at) ?? '',
    finished_at: isoOf(row.finished_at),
    watermark: isoOf(row.watermark),
    dirty_count: numberOf(row.dirty_count),
    rolling_count: numberOf(row.rolling_count),
    upserted_count: numberOf(row.upserted_count),
    deleted_count: numberOf(row.deleted_count),
    duration_ms: numberOf(row.duration_ms),
    status: row.status,
    error: row.error,
  };
}

/** The latest `limit` runs, whatever their status, newest first. */
async function latestRuns(db: Db, limit: number): Promise<SyncRunRecord[]> {
  const rows = await db.selectFrom('crm_analytics_sync_log').select(SYNC_LOG_COLUMNS).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(runRecord);
}

/** The latest `ok` run of any process (the one whose data is served), or null before the first. */
async function latestOkRun(db: Db): Promise<SyncRunRecord | null> {
  const row = await db
    .selectFrom('crm_analytics_sync_log')
    .select(SYNC_LOG_COLUMNS)
    .where('status', '=', 'ok')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? null : runRecord(row);
}

/** The reads of the log other modules make, on the connection or read snapshot they pass. */
export const syncLog = { latestGeneration, runStartedAt, latestRuns, latestOkRun } as const;

/** The watermark of an `ok` run as the next run's bound on the source tables' timestamps. */
export function watermarkBoundOf(generation: DataGeneration): DbDateTime {
  // Re-formatted so the bound compares exactly as text on SQLite (see src/db/datetime.ts).
  return formatDbDateTime(Date.parse(generation.watermark));
}

export function startRun(db: Db, dialect: SqlDialect, startedAt: DbDateTime): Promise<number> {
  return dialect.statements.insertReturningId(
    db.insertInto('crm_analytics_sync_log').values({ started_at: startedAt, status: 'running' }),
  );
}

/**
 * Runs left `running` by a process that died: only the lock holder calls this, so no other run can
 * be in progress.
 */
export async function markInterruptedRuns(db: Db, dialect: SqlDialect): Promise<number> {
  const result = await db
    .updateTable('crm_analytics_sync_log')
    .set({ status: 'failed', error: 'interrupted: the process running it stopped', finished_at: databaseNowValue(dialect) })
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

const countColumns = (counts: SyncCounts) => ({
  dirty_count: counts.dirtyCount,
  rolling_count: counts.rollingCount,
  upserted_count: counts.upsertedCount,
  deleted_count: counts.deletedCount,
});

export async function finishRunOk(
  db: Db,
  dialect: SqlDialect,
  runId: number,
  outcome: SyncCounts & { watermark: DbDateTime; durationMs: number },
): Promise<void> {
  await db
    .updateTable('crm_analytics_sync_log')
    .set({
      ...countColumns(outcome),
      status: 'ok',
      watermark: outcome.watermark,
      duration_ms: outcome.durationMs,
      finished_at: databaseNowValue(dialect),
    })
    .where('id', '=', runId)
    .execute();
}

/** Longest error message kept: enough for any database error, bounded for a text column. */
const MAX_ERROR_LENGTH = 4000;

/** A failed run keeps no watermark: the next run starts from the latest `ok` one. */
export async function finishRunFailed(
  db: Db,
  dialect: SqlDialect,
  runId: number,
  outcome: SyncCounts & { error: string; durationMs: number },
): Promise<void> {
  await db
    .updateTable('crm_analytics_sync_log')
    .set({
      ...countColumns(outcome),
      status: 'failed',
      error: outcome.error.slice(0, MAX_ERROR_LENGTH),
      duration_ms: outcome.durationMs,
      finished_at: databaseNowValue(dialect),
    })
    .where('id', '=', runId)
    .execute();
}
