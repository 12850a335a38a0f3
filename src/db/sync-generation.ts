import type { Kysely } from 'kysely';
import { parseDbDateTime } from './datetime.js';
import type { Database } from './schema.js';

/** The sync run whose data a computation reads: the latest `ok` run of `crm_analytics_sync_log`. */
export interface DataGeneration {
  /** `crm_analytics_sync_log.id`: the generation snapshots are built for. */
  readonly id: number;
  /** Its watermark as ISO-8601 UTC: what `meta.data_as_of` shows. */
  readonly watermark: string;
}

/**
 * The latest successful sync run, or null before the first one. An `ok` run always has a
 * watermark (SPEC §7); a row without one is skipped rather than trusted.
 */
export async function readLatestSyncGeneration(db: Kysely<Database>): Promise<DataGeneration | null> {
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
