import { sql } from 'kysely';
import type { DialectLocks } from '../../dialect.js';
import { withSessionLock } from '../../session-lock.js';

/** 'CRMA': the first key of our advisory locks. */
const ADVISORY_LOCK_CLASS = 0x43524d41;

export const postgresLocks: DialectLocks = {
  withExclusiveLock(db, name, work) {
    // Advisory locks are per database; the two-key form keeps ours apart from other applications'.
    const key = sql`${ADVISORY_LOCK_CLASS}::int4, hashtext(${name})`;
    return withSessionLock(
      db,
      {
        tryAcquire: sql<{ acquired: unknown }>`select pg_try_advisory_lock(${key}) as acquired`,
        isAcquired: (value) => value === true,
        release: sql`select pg_advisory_unlock(${key})`,
      },
      work,
    );
  },
};
