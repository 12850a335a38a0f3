import { sql } from 'kysely';
import type { DialectLocks } from '../../dialect.js';
import { withSessionLock } from '../../session-lock.js';

export const mysqlLocks: DialectLocks = {
  withExclusiveLock(db, name, work) {
    // GET_LOCK names are server-wide and at most 64 characters: scope the name to this database.
    const lockName = sql`concat('crm_analytics:', md5(concat(${name}, '@', coalesce(database(), ''))))`;
    return withSessionLock(
      db,
      {
        tryAcquire: sql<{ acquired: unknown }>`select get_lock(${lockName}, 0) as acquired`,
        isAcquired: (value) => Number(value) === 1,
        release: sql`select release_lock(${lockName})`,
      },
      work,
    );
  },
};
