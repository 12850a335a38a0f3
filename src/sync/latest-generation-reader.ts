import type { DatabaseHandle } from '../db/database.js';
import type { LatestGenerationReader } from '../domain/data-generation.js';
import { syncLog } from './sync-log.js';

/**
 * The latest successful sync, skipped while the dialect's change probe says nothing was written
 * since the last read: a snapshot hit or a memory-engine answer then costs no query at all. The
 * token is taken before the query, so a write landing during it makes the next call read again.
 * The read goes through `shortReads`: during a sync every chunk moves the probe, and on SQLite a
 * read on the pool would wait for the chunk's transaction (40–150 ms at 1,000,000 leads).
 */
export function createLatestGenerationReader(database: DatabaseHandle): LatestGenerationReader {
  const probe = database.dialect.snapshots.changeProbe(database.db);
  if (probe === null) return { read: () => syncLog.latestGeneration(database.shortReads) };
  let cached: { readonly token: string; readonly generation: Awaited<ReturnType<LatestGenerationReader['read']>> } | null = null;
  return {
    async read() {
      const token = probe();
      if (cached !== null && cached.token === token) return cached.generation;
      const generation = await syncLog.latestGeneration(database.shortReads);
      cached = { token, generation };
      return generation;
    },
  };
}
