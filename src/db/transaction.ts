import type { Kysely, Transaction } from 'kysely';
import type { ReadSnapshot } from './dialect.js';
import type { Database } from './schema.js';

/**
 * `db.transaction().execute(work)`, except that when `work` fails and the rollback fails too (the
 * connection was killed or dropped, so the server has rolled back already), the error thrown is
 * `work`'s, not the rollback's: Kysely would throw "Can't add new command when connection is in
 * closed state" and the operator would never learn that the connection was killed. The rollback's
 * error stays reachable as `cause` when the work's error has none.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  let workError: { error: unknown } | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      try {
        return await work(trx);
      } catch (error) {
        workError = { error };
        throw error;
      }
    });
  } catch (error) {
    if (workError === undefined || workError.error === error) throw error;
    const original = workError.error;
    if (original instanceof Error && original.cause === undefined) original.cause = error;
    throw original;
  }
}

/**
 * `work` on a read snapshot that is a read-only, repeatable-read transaction of the pool: every
 * statement sees the state of the first (MySQL's consistent read, PostgreSQL's snapshot). Rows
 * are read through Kysely (no row-array scan).
 */
export function inReadOnlySnapshot<T>(db: Kysely<Database>, work: (snapshot: ReadSnapshot) => Promise<T>): Promise<T> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => work({ db: trx, scanRowArrays: null }));
}
