import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DialectLocks, HeldLock, LockOutcome } from '../../dialect.js';
import type { Database } from '../../schema.js';
import { PAGE_CACHE_KIB, pooledConnectionOf } from './sqlite-connections.js';
import { createWorkerKysely } from './sqlite-worker-connection.js';

/**
 * How long a lease lasts without renewal, and how often its holder renews it. A process that dies
 * mid-run holds the lock for at most `leaseSeconds`; a live one renews it many times over, even
 * when another process keeps the database busy for a while (busy_timeout is 10 s). The holder
 * stops trusting its lease (`assertHeld` throws) `trustMs` after its last renewal, before it could
 * expire, or as soon as a renewal finds the lease taken by someone else.
 */
export interface LeaseTiming {
  readonly leaseSeconds: number;
  readonly renewEveryMs: number;
  readonly trustMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseSeconds: 60, renewEveryMs: 10_000, trustMs: 50_000 };

const now = sql<string>`strftime('%Y-%m-%d %H:%M:%f', 'now')`;
const leaseEnd = (timing: LeaseTiming) => sql<string>`strftime('%Y-%m-%d %H:%M:%f', 'now', ${`+${timing.leaseSeconds} seconds`})`;

/**
 * SQLite has no session lock that dies with its connection, so the lock is a lease row in
 * `crm_analytics_locks`: taken when absent or expired (one statement, atomic since SQLite
 * serialises writers), renewed while `work` runs, deleted afterwards. Times come from the database
 * clock so every process judges expiry alike.
 */
export async function withLeaseLock<T>(
  db: Kysely<Database>,
  name: string,
  work: (db: Kysely<Database>, lock: HeldLock) => Promise<T>,
  timing: LeaseTiming = DEFAULT_LEASE_TIMING,
): Promise<LockOutcome<T>> {
  const owner = randomUUID();
  // A lease someone holds is seen by a read, which never waits in WAL mode: a concurrent caller
  // is turned away at once, rather than after queueing for the write lock the holder keeps busy.
  const current = await db
    .selectFrom('crm_analytics_locks')
    .select('owner')
    .where('name', '=', name)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (current !== undefined) return { acquired: false };
  await db
    .insertInto('crm_analytics_locks')
    .values({ name, owner, acquired_at: now, expires_at: leaseEnd(timing) })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet({ owner, acquired_at: now, expires_at: leaseEnd(timing) })
        .where('crm_analytics_locks.expires_at', '<=', now),
    )
    .execute();
  const holder = await db.selectFrom('crm_analytics_locks').select('owner').where('name', '=', name).executeTakeFirst();
  if (holder?.owner !== owner) return { acquired: false };

  let renewedAt = performance.now();
  let lost = false;
  const renew = async () => {
    const result = await db
      .updateTable('crm_analytics_locks')
      .set({ expires_at: leaseEnd(timing) })
      .where('name', '=', name)
      .where('owner', '=', owner)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) renewedAt = performance.now();
    else lost = true;
  };
  // A failed renewal (a busy database) is retried at the next tick; assertHeld judges by age.
  const timer = setInterval(() => void renew().catch(() => undefined), timing.renewEveryMs);
  timer.unref();
  const lock: HeldLock = {
    assertHeld() {
      if (lost || performance.now() - renewedAt > timing.trustMs) {
        throw new Error(`lost the "${name}" lease: it could not be renewed in time`);
      }
    },
  };

  let failed = false;
  try {
    return { acquired: true, value: await work(db, lock) };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    clearInterval(timer);
    // After a failure the work's error matters more; an unreleased lease expires anyway.
    await db
      .deleteFrom('crm_analytics_locks')
      .where('name', '=', name)
      .where('owner', '=', owner)
      .execute()
      .catch((error: unknown) => {
        if (!failed) throw error;
      });
  }
}

/**
 * The lease, and the work under it, on a connection in a worker thread
 * (sqlite-worker-connection.ts): the sync's statements then never hold the event loop of the
 * process serving requests, and a write waiting for another process's lock (busy_timeout) waits
 * there too. An in-memory database exists only on the pool's connection: the work runs on it.
 */
export const sqliteLocks: DialectLocks = {
  async withExclusiveLock(db, name, work) {
    const url = pooledConnectionOf(db)?.url;
    if (url === undefined || url === ':memory:') return withLeaseLock(db, name, work);
    // The worker opens a connection of its own: a closed (or unreachable) database is found here first.
    await sql`select 1`.execute(db);
    const offThread = createWorkerKysely(url, PAGE_CACHE_KIB);
    try {
      return await withLeaseLock(offThread, name, work);
    } finally {
      await offThread.destroy();
    }
  },
};
