import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, pingDatabase } from '../src/db/database.js';
import { formatDbDateTime, parseDbDateTime } from '../src/db/datetime.js';
import type { LeadKey } from '../src/domain/lead.js';
import type { SyncResult } from '../src/sync/sync-events.js';
import type { SyncTestHooks } from '../src/sync/sync-service.js';
import { childLines } from './support/child-lines.js';
import { blockLeadRow, killSession, otherSessions, waitForLockWaiter } from './support/database-faults.js';
import { demoCrmModel } from './support/demo-crm-model.js';
import { MirroredCrm, readLeads } from './support/mirrored-crm.js';
import { referenceLeads, type ComparableLead, type CrmModel } from './support/reference-leads.js';
import { spawnTs } from './support/run-cli.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * Faults in the middle of a sync (docs/reliability.md): the process killed, its database
 * connection killed, a source table that cannot be read. After each, nothing is lost, the
 * watermark has not moved, the lock is free within its lease, and the next run leaves
 * crm_analytics_leads equal to a from-scratch build and to the independent reference.
 */

/** Small chunks (and full-build ranges of 500 ids), so a run has many points to die at. */
const ENV = { SYNC_BATCH_SIZE: '25', SYNC_ROLLING_SIZE: '0', SYNC_LOOKBACK_SECONDS: '120' };
/** A believable CRM of 600 leads (plus the records that must not count). */
const DEMO: CrmModel = demoCrmModel({ leads: 600, seed: 8, now: Date.parse('2026-04-17T00:00:00Z'), batchSize: 600 });
/** The SQLite lease (src/db/dialects/sqlite/sqlite-locks.ts): the longest a dead holder blocks. */
const LEASE_SECONDS = 60;
/** MySQL/PostgreSQL drop a dead client's session, and its lock, within moments. */
const SESSION_LOCK_RELEASE_BOUND_MS = 5_000;

const ok = (result: SyncResult) => {
  if (result.skipped) throw new Error('the run was skipped');
  return result;
};

const keyOf = (lead: ComparableLead): LeadKey => ({ record_type: lead.record_type, record_id: lead.record_id });
const keyText = (key: LeadKey) => `${key.record_type}:${key.record_id}`;

describe.each(testDialects())('sync faults on $dialect', (target) => {
  let app: TestApplication;
  let crm: MirroredCrm;
  /** What the sync's test seam does after each chunk of the in-process runs. */
  let afterChunk: NonNullable<SyncTestHooks['afterChunk']> = () => undefined;

  beforeAll(async () => {
    app = await createTestApplication(target, { env: ENV, syncTestHooks: { afterChunk: (chunk) => afterChunk(chunk) } });
  });
  afterAll(async () => app.dispose());
  beforeEach(async () => {
    afterChunk = () => undefined;
    crm = new MirroredCrm(app.database);
    await crm.reset();
    await crm.load(DEMO);
  });

  const db = () => app.database.db;
  const logRows = () => db().selectFrom('crm_analytics_sync_log').selectAll().orderBy('id').execute();
  const latestOkWatermark = async () => {
    const rows = (await logRows()).filter((row) => row.status === 'ok');
    const watermark = rows.at(-1)?.watermark;
    return watermark === undefined || watermark === null ? null : parseDbDateTime(watermark);
  };
  const leadCount = async () => Number((await db().selectFrom('crm_analytics_leads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  /** The first `count` company leads, by id: the records the tests change. */
  const companyLeadIds = (count: number) =>
    referenceLeads(crm.model)
      .filter((lead) => lead.record_type === 'company')
      .slice(0, count)
      .map((lead) => lead.record_id);

  /**
   * Changes every timestamp shows, to `ids` (sorted, so chunk k of the next run is ids[25k…25k+24]):
   * a tenth soft-deleted, a tenth given a new follow-up, the rest renamed.
   */
  async function changeCompanies(ids: readonly number[]): Promise<void> {
    const now = formatDbDateTime(Date.now());
    for (const [index, id] of ids.entries()) {
      if (index % 10 === 0) await crm.update('companies', id, { deleted_at: now });
      else if (index % 10 === 1) {
        await crm.insert('follow_up_data', [
          {
            id: crm.nextId('follow_up_data'),
            company_id: id,
            prospect_id: null,
            stage_id: 1,
            product: 'packageContent.faults',
            monthly_shipments: 7,
            account_value: 123.45,
            is_won: 1,
            is_lost: 0,
            won_at: now,
            created_at: now,
          },
        ]);
      } else await crm.update('companies', id, { name: `Renamed ${id}`, updated_at: now });
    }
  }

  /** The table equals the reference now, and stays equal after a from-scratch rebuild. */
  async function expectEqualToFromScratchBuild(): Promise<void> {
    const incremental = await readLeads(app.database);
    expect(incremental).toEqual(referenceLeads(crm.model));
    await sql`delete from crm_analytics_leads`.execute(db());
    await sql`delete from crm_analytics_sync_log`.execute(db());
    expect(ok(await app.sync.run()).fullBuild).toBe(true);
    expect(await readLeads(app.database)).toEqual(incremental);
  }

  /** A sync in a process of its own (test/support/sync-in-child-process.ts). */
  function spawnSync(holdAfterChunk: number) {
    const child = spawnTs('test/support/sync-in-child-process.ts', {
      env: { ...ENV, DATABASE_URL: app.scratch.databaseUrl, HOLD_AFTER_CHUNK: String(holdAfterChunk) },
    });
    return { child, lines: childLines(child) };
  }

  /** Kills the child with SIGKILL; it must still have been running. */
  async function sigkill(child: ChildProcess): Promise<void> {
    expect({ exitCode: child.exitCode, signalCode: child.signalCode }).toEqual({ exitCode: null, signalCode: null });
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * The next run after the holder died. SQLite: the lease still blocks it; it must expire no later
   * than LEASE_SECONDS after its last renewal; the test then moves the lease to its expiry (time
   * passing) rather than wait. MySQL/PostgreSQL: the session lock goes with the dead connection;
   * the run must get it within moments.
   */
  async function runAfterHolderDied(): Promise<Extract<SyncResult, { skipped: false }>> {
    if (target.dialect === 'sqlite') {
      expect(await app.sync.run()).toEqual({ skipped: true });
      const lease = await db().selectFrom('crm_analytics_locks').selectAll().executeTakeFirstOrThrow();
      const { rows } = await sql<{ now: string }>`select ${app.database.dialect.statements.clock()} as now`.execute(db());
      const blockedForMs = parseDbDateTime(lease.expires_at) - parseDbDateTime(rows[0]!.now);
      expect(blockedForMs).toBeGreaterThan(0);
      expect(blockedForMs).toBeLessThanOrEqual(LEASE_SECONDS * 1000);
      console.log(`[figures] sync faults, sqlite: the dead holder's lease had ${blockedForMs} ms left (bound ${LEASE_SECONDS * 1000} ms)`);
      await db().updateTable('crm_analytics_locks').set({ expires_at: rows[0]!.now }).execute();
      return ok(await app.sync.run());
    }
    const started = Date.now();
    for (;;) {
      const result = await app.sync.run();
      if (!result.skipped) {
        const waitedMs = Date.now() - started;
        expect(waitedMs).toBeLessThan(SESSION_LOCK_RELEASE_BOUND_MS);
        console.log(`[figures] sync faults, ${target.dialect}: the next run got the lock ${waitedMs} ms after its holder died`);
        return result;
      }
      expect(Date.now() - started).toBeLessThan(SESSION_LOCK_RELEASE_BOUND_MS);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  describe('a sync process killed (SIGKILL) mid-run', () => {
    it('during the full build: no watermark, the lock frees within its lease, the next run builds everything', async () => {
      // Chunk 0 of the full build is the range of company ids; prospects come next.
      const { child, lines } = spawnSync(0);
      await lines.waitFor('holding');
      const partial = await leadCount();
      await sigkill(child);
      // Killed part-way: some ranges written, not all; the run never ended.
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(referenceLeads(crm.model).length);
      expect((await logRows()).map((row) => [row.status, row.watermark])).toEqual([['running', null]]);

      const next = await runAfterHolderDied();
      expect(next.fullBuild).toBe(true);
      expect((await logRows()).map((row) => [row.status, row.error])).toEqual([
        ['failed', 'interrupted: the process running it stopped'],
        ['ok', null],
      ]);
      await expectEqualToFromScratchBuild();
    });

    it('between chunks of an incremental run: the watermark stays, the next run catches up', async () => {
      ok(await app.sync.run());
      const watermark = await latestOkWatermark();
      await changeCompanies(companyLeadIds(100));

      const { child, lines } = spawnSync(1);
      await lines.waitFor('holding');
      await sigkill(child);
      expect(await latestOkWatermark()).toBe(watermark);
      expect((await logRows()).map((row) => row.status)).toEqual(['ok', 'running']);

      const next = await runAfterHolderDied();
      expect(next).toMatchObject({ fullBuild: false, dirtyCount: 100 });
      expect(parseDbDateTime(next.watermark)).toBeGreaterThan(watermark!);
      await expectEqualToFromScratchBuild();
    });

    it("inside a chunk's transaction, while its statement waits: nothing of the chunk stays, the next run catches up", async () => {
      ok(await app.sync.run());
      const watermark = await latestOkWatermark();
      const ids = companyLeadIds(100);
      await changeCompanies(ids);
      const before = await readLeads(app.database);

      const { child, lines } = spawnSync(0);
      await lines.waitFor('holding');
      // Chunk 1 holds ids[25…49]; ids[31] was renamed, so the chunk's upsert must wait for this row.
      const blocker = await blockLeadRow(app.scratch.location, { record_type: 'company', record_id: ids[31]! });
      try {
        child.kill('SIGUSR2');
        await waitForLockWaiter(target.dialect, db());
        await sigkill(child);
      } finally {
        await blocker.release();
      }
      // Chunk 0 is committed; nothing of chunk 1 is.
      const after = new Map((await readLeads(app.database)).map((lead) => [keyText(keyOf(lead)), lead]));
      const chunkOne = new Set(ids.slice(25, 50));
      for (const lead of before.filter((row) => row.record_type === 'company' && chunkOne.has(row.record_id))) {
        expect(after.get(keyText(keyOf(lead)))).toEqual(lead);
      }
      expect(await latestOkWatermark()).toBe(watermark);

      const next = await runAfterHolderDied();
      expect(next).toMatchObject({ fullBuild: false, dirtyCount: 100 });
      await expectEqualToFromScratchBuild();
    });
  });

  describe.skipIf(target.dialect === 'sqlite')('a database connection dropped mid-chunk', () => {
    it('logs the run failed, loses no row, keeps the watermark, frees the lock; the retry succeeds', async () => {
      ok(await app.sync.run());
      const watermark = await latestOkWatermark();
      const ids = companyLeadIds(100);
      await changeCompanies(ids);
      const before = await readLeads(app.database);

      let killed: Promise<void> | undefined;
      afterChunk = async ({ index }) => {
        if (index !== 0) return;
        // Chunk 1 will wait on this row (taken before the chunk starts); the session that waits
        // is the sync's: kill it there, mid-statement, inside the chunk's transaction.
        const blocker = await blockLeadRow(app.scratch.location, { record_type: 'company', record_id: ids[31]! });
        killed = (async () => {
          try {
            const session = (await waitForLockWaiter(target.dialect, db()))!;
            await killSession(target.dialect as 'mysql' | 'postgres', db(), session);
          } finally {
            await blocker.release();
          }
        })();
      };
      await expect(app.sync.run()).rejects.toThrow();
      await killed;

      const [, failed] = await logRows();
      expect(failed).toMatchObject({ status: 'failed', watermark: null });
      // The cause, not the failed rollback on the dead connection that followed it.
      expect(failed!.error).toMatch(/killed|terminat|connection lost/i);
      expect(failed!.error).not.toMatch(/can't add new command|discarded/i);
      expect(failed!.finished_at).not.toBeNull();
      expect(await latestOkWatermark()).toBe(watermark);
      // Chunk 0 (committed) rewrote its rows; no row is missing that the reference still has.
      const after = new Set((await readLeads(app.database)).map((lead) => keyText(keyOf(lead))));
      const stillLeads = new Set(referenceLeads(crm.model).map((lead) => keyText(keyOf(lead))));
      for (const lead of before) if (stillLeads.has(keyText(keyOf(lead)))) expect(after.has(keyText(keyOf(lead)))).toBe(true);

      afterChunk = () => undefined;
      const retry = ok(await app.sync.run());
      expect(retry.fullBuild).toBe(false);
      await expectEqualToFromScratchBuild();
    });
  });

  describe.skipIf(target.dialect === 'sqlite')('pooled connections killed while idle', () => {
    it('leave the process running; the next queries and the next sync succeed on new connections', async () => {
      const dialect = target.dialect as 'mysql' | 'postgres';
      ok(await app.sync.run());
      // Several connections in the pool, all idle now.
      await Promise.all(Array.from({ length: 4 }, () => sql`select 1`.execute(db())));
      const killer = openDatabase(app.scratch.location, { poolSize: 2 });
      try {
        const sessions = await otherSessions(dialect, killer.db);
        expect(sessions.length).toBeGreaterThanOrEqual(2);
        for (const session of sessions) await killSession(dialect, killer.db, session);
      } finally {
        await killer.close();
      }
      // The drivers notice the closed sockets; an 'error' event nobody handled would end the process here.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let attempt = 0; attempt < 5; attempt += 1) await pingDatabase(db());
      await changeCompanies(companyLeadIds(30));
      expect(ok(await app.sync.run()).dirtyCount).toBe(30);
      await expectEqualToFromScratchBuild();
    });
  });

  describe('a source read that fails never deletes rows', () => {
    const rename = async (from: string, to: string) => {
      await db().schema.alterTable(from).renameTo(to).execute();
    };

    it('a source table unreadable from the start: the run fails, the table is untouched', async () => {
      ok(await app.sync.run());
      const before = await readLeads(app.database);
      await changeCompanies(companyLeadIds(60));
      await rename('locales', 'locales_unreadable');
      try {
        await expect(app.sync.run()).rejects.toThrow();
        expect(await readLeads(app.database)).toEqual(before);
        expect((await logRows()).at(-1)).toMatchObject({ status: 'failed', watermark: null });
      } finally {
        await rename('locales_unreadable', 'locales');
      }
      ok(await app.sync.run());
      await expectEqualToFromScratchBuild();
    });

    it('a source table that becomes unreadable mid-run: the chunks after it fail, no row is lost', async () => {
      ok(await app.sync.run());
      const before = await readLeads(app.database);
      const ids = companyLeadIds(100);
      await changeCompanies(ids);
      afterChunk = async ({ index }) => {
        if (index === 0) await rename('follow_up_data', 'follow_up_data_unreadable');
      };
      try {
        await expect(app.sync.run()).rejects.toThrow();
      } finally {
        afterChunk = () => undefined;
        await rename('follow_up_data_unreadable', 'follow_up_data');
      }
      // Only chunk 0 (ids[0…24]) was written; every other row is exactly as it was.
      const chunkZero = new Set(ids.slice(0, 25));
      const after = new Map((await readLeads(app.database)).map((lead) => [keyText(keyOf(lead)), lead]));
      for (const lead of before) {
        if (lead.record_type === 'company' && chunkZero.has(lead.record_id)) continue;
        expect(after.get(keyText(keyOf(lead)))).toEqual(lead);
      }
      ok(await app.sync.run());
      await expectEqualToFromScratchBuild();
    });

    it('a source table that becomes unreadable before the cleanup (step 6): nothing is deleted', async () => {
      ok(await app.sync.run());
      const [first, second] = companyLeadIds(2);
      // One dirty record (one chunk), and a hard delete that only the cleanup can see.
      await crm.update('companies', first!, { name: 'Renamed once', updated_at: formatDbDateTime(Date.now()) });
      await crm.remove('companies', second!);
      const before = await readLeads(app.database);
      afterChunk = async ({ index }) => {
        if (index === 0) await rename('prospection_users', 'prospection_users_unreadable');
      };
      try {
        await expect(app.sync.run()).rejects.toThrow();
      } finally {
        afterChunk = () => undefined;
        await rename('prospection_users_unreadable', 'prospection_users');
      }
      const after = await readLeads(app.database);
      expect(after.map(keyOf)).toEqual(before.map(keyOf));
      ok(await app.sync.run());
      await expectEqualToFromScratchBuild();
    });
  });
});
