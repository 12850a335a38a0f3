import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { inReadOnlySnapshot } from '../../db/transaction.js';
import type { DataGeneration } from '../../domain/data-generation.js';
import type { SyncLogReads } from '../analytics-engine.js';

/**
 * `read` inside one read-only, repeatable-read transaction, given the latest successful sync read
 * first in that same transaction: every figure an SQL engine answers, and the generation it labels
 * them with, come from one state of the table.
 */
export function readWithGeneration<T>(
  db: Kysely<Database>,
  syncLog: Pick<SyncLogReads, 'latestGeneration'>,
  read: (trx: Kysely<Database>, generation: DataGeneration | null) => Promise<T>,
): Promise<T> {
  return inReadOnlySnapshot(db, async ({ db: trx }) => read(trx, await syncLog.latestGeneration(trx)));
}
