import type { Kysely } from 'kysely';
import type { DatabaseHandle } from './database.js';
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

/** The latest successful sync, read as often as every request wants it. */
export interface LatestGenerationReader {
  read(): Promise<DataGeneration | null>;
}

/**
 * readLatestSyncGeneration, skipped while the dialect's change probe says nothing was written
 * since the last read: a snapshot hit or a memory-engine answer then costs no query at all. The
 * token is taken before the query, so a write landing during it makes the next call read again.
 */
export function createLatestGenerationReader(database: DatabaseHandle): LatestGenerationReader {
  const probe = database.dialect.changeProbe(database.db);
  if (probe === null) return { read: () => readLatestSyncGeneration(database.db) };
  let cached: { readonly token: string; readonly generation: DataGeneration | null } | null = null;
  return {
    async read() {
      const token = probe();
      if (cached !== null && cached.token === token) return cached.generation;
      const generation = await readLatestSyncGeneration(database.db);
      cached = { token, generation };
      return generation;
    },
  };
}
