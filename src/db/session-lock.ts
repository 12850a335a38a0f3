import type { Kysely, RawBuilder } from 'kysely';
import type { HeldLock, LockOutcome } from './dialect.js';
import type { Database } from './schema.js';

/** How a server database takes and gives back a session lock (MySQL `GET_LOCK`, PostgreSQL advisory locks). */
export interface SessionLockStatements {
  /** Tries to take the lock without waiting: one row whose `acquired` column `isAcquired` judges. */
  readonly tryAcquire: RawBuilder<{ acquired: unknown }>;
  readonly isAcquired: (value: unknown) => boolean;
  readonly release: RawBuilder<unknown>;
}

/** A session lock lives as long as its connection: there is nothing to check. */
const SESSION_LOCK: HeldLock = { assertHeld: () => undefined };

/**
 * Runs `work` on one pinned connection holding a session lock, which the server releases if the
 * connection dies: a crashed holder never keeps it. Someone else holding it: `{ acquired: false }`
 * at once, nothing run.
 */
export function withSessionLock<T>(
  db: Kysely<Database>,
  statements: SessionLockStatements,
  work: (db: Kysely<Database>, lock: HeldLock) => Promise<T>,
): Promise<LockOutcome<T>> {
  return db.connection().execute(async (connection) => {
    const { rows } = await statements.tryAcquire.execute(connection);
    if (!statements.isAcquired(rows[0]?.acquired)) return { acquired: false } as const;
    let failed = false;
    try {
      return { acquired: true, value: await work(connection, SESSION_LOCK) } as const;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // After a failure the work's error matters more; a dead connection has released the lock anyway.
      await statements.release.execute(connection).catch((error: unknown) => {
        if (!failed) throw error;
      });
    }
  });
}
