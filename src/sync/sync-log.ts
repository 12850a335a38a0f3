import { sql, type Kysely } from 'kysely';
import { formatDbDateTime } from '../db/datetime.js';
import type { SqlDialect } from '../db/dialect.js';
import { parseDbDateTime } from '../db/datetime.js';
import type { Database, DbDateTime } from '../db/schema.js';
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

/** The reads of the log other modules make, on the connection or read snapshot they pass. */
export const syncLog = { latestGeneration, runStartedAt } as const;

/** The watermark of the latest `ok` run; null before the first one (then the run is a full build). */
export async function latestOkWatermark(db: Db): Promise<DbDateTime | null> {
  const generation = await latestGeneration(db);
  // Re-formatted so the bound compares exactly as text on SQLite (see src/db/datetime.ts).
  return generation === null ? null : formatDbDateTime(Date.parse(generation.watermark));
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
