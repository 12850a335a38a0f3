import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withLeaseLock, type LeaseTiming } from '../src/db/dialects/sqlite/sqlite-locks.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sqlite = testDialects().filter((target) => target.dialect === 'sqlite');

/** SQLite's sync lock is a lease row (docs/sync.md): these are its rules, with short timings. */
describe.each(sqlite)('the SQLite lease lock', (target) => {
  let app: TestApplication;
  const db = () => app.database.db;
  const rows = () => db().selectFrom('crm_analytics_locks').selectAll().execute();

  beforeAll(async () => {
    app = await createTestApplication(target);
  });
  afterAll(async () => app.dispose());
  beforeEach(async () => {
    await db().deleteFrom('crm_analytics_locks').execute();
  });

  it('is taken when free, refused while held, and gone once the work ends', async () => {
    const outcome = await withLeaseLock(db(), 'job', async () => {
      expect(await rows()).toHaveLength(1);
      return withLeaseLock(db(), 'job', () => Promise.resolve('second'));
    });
    expect(outcome).toEqual({ acquired: true, value: { acquired: false } });
    expect(await rows()).toEqual([]);
    expect(await withLeaseLock(db(), 'job', () => Promise.resolve(1))).toEqual({ acquired: true, value: 1 });
  });

  it('is released when the work fails, with the work’s error', async () => {
    await expect(withLeaseLock(db(), 'job', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await rows()).toEqual([]);
  });

  it('passes to a new holder once the old one stopped renewing and it expired', async () => {
    await db()
      .insertInto('crm_analytics_locks')
      .values({ name: 'job', owner: 'dead-process', acquired_at: '2020-01-01 00:00:00', expires_at: '2020-01-01 00:01:00' })
      .execute();
    expect(await withLeaseLock(db(), 'job', () => Promise.resolve('mine'))).toEqual({ acquired: true, value: 'mine' });
    await db()
      .insertInto('crm_analytics_locks')
      .values({ name: 'job', owner: 'live-process', acquired_at: '2020-01-01 00:00:00', expires_at: '2999-01-01 00:00:00' })
      .execute();
    expect(await withLeaseLock(db(), 'job', () => Promise.resolve('mine'))).toEqual({ acquired: false });
    expect((await rows())[0]?.owner).toBe('live-process');
  });

  it('is renewed while the work lasts, beyond its lease time', async () => {
    const timing: LeaseTiming = { leaseSeconds: 0.4, renewEveryMs: 50, trustMs: 300 };
    const outcome = await withLeaseLock(
      db(),
      'job',
      async (_db, lock) => {
        await sleep(900);
        lock.assertHeld();
        return withLeaseLock(db(), 'job', () => Promise.resolve('intruder'));
      },
      timing,
    );
    expect(outcome).toEqual({ acquired: true, value: { acquired: false } });
  });

  it('tells its holder when it was taken over, or could not be renewed in time', async () => {
    const renewing: LeaseTiming = { leaseSeconds: 60, renewEveryMs: 50, trustMs: 50_000 };
    await expect(
      withLeaseLock(
        db(),
        'job',
        async (_db, lock) => {
          await db().updateTable('crm_analytics_locks').set({ owner: 'someone-else' }).execute();
          await sleep(200);
          lock.assertHeld();
        },
        renewing,
      ),
    ).rejects.toThrow('lost the "job" lease');
    // Not released by the old holder: it is not its lease any more.
    expect((await rows())[0]?.owner).toBe('someone-else');

    await db().deleteFrom('crm_analytics_locks').execute();
    const stalled: LeaseTiming = { leaseSeconds: 60, renewEveryMs: 60_000, trustMs: 100 };
    await expect(
      withLeaseLock(
        db(),
        'job',
        async (_db, lock) => {
          await sleep(200);
          lock.assertHeld();
        },
        stalled,
      ),
    ).rejects.toThrow('could not be renewed in time');
  });
});
