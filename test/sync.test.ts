import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { formatDbDateTime, parseDbDateTime } from '../src/db/datetime.js';
import type { RunInProgress } from '../src/domain/data-generation.js';
import type { SyncCompletedEvent, SyncResult } from '../src/sync/sync-events.js';
import { SyncService, type SyncTestHooks } from '../src/sync/sync-service.js';
import { HAND_MADE_LEADS, handMadeCrm } from './support/hand-made-crm.js';
import { MirroredCrm, readLeads } from './support/mirrored-crm.js';
import { referenceLeads } from './support/reference-leads.js';
import { spawnTs } from './support/run-cli.js';
import { createTestApplication, testConfig, testDialects, type TestApplication } from './support/test-application.js';

/** Rolling 0 unless a test asks: only what the timestamps show gets refreshed, so each test sees exactly that. */
const BASE_ENV = { SYNC_ROLLING_SIZE: '0', SYNC_BATCH_SIZE: '2', SYNC_LOOKBACK_SECONDS: '120' };

const ok = (result: SyncResult) => {
  if (result.skipped) throw new Error('the run was skipped');
  return result;
};

describe.each(testDialects())('sync on $dialect', (target) => {
  let app: TestApplication;
  let crm: MirroredCrm;

  beforeAll(async () => {
    app = await createTestApplication(target, { env: BASE_ENV });
  });
  afterAll(async () => app.dispose());
  beforeEach(async () => {
    crm = new MirroredCrm(app.database);
    await crm.reset();
    await crm.load(handMadeCrm());
  });

  /** Another sync service on the same database, with other settings or a test seam. */
  const syncWith = (env: Record<string, string> = {}, testHooks?: SyncTestHooks) =>
    new SyncService({
      database: app.database,
      settings: testConfig(app.scratch.databaseUrl, { ...BASE_ENV, ...env }).sync,
      logger: app.logger,
      ...(testHooks ? { testHooks } : {}),
    });
  const logRows = () => app.database.db.selectFrom('crm_analytics_sync_log').selectAll().orderBy('id').execute();
  const lockRows = () => app.database.db.selectFrom('crm_analytics_locks').selectAll().execute();

  it('builds every lead of a hand-made CRM exactly and logs the run (SPEC §1–2, §7)', async () => {
    const result = ok(await app.sync.run());
    expect(result).toMatchObject({ fullBuild: true, dirtyCount: 10, rollingCount: 0, upsertedCount: 4, deletedCount: 0 });
    expect(await readLeads(app.database)).toEqual(HAND_MADE_LEADS);

    const [log] = await logRows();
    expect(log).toMatchObject({ id: result.runId, status: 'ok', error: null, dirty_count: 10, rolling_count: 0, upserted_count: 4, deleted_count: 0 });
    const startedAt = parseDbDateTime(log!.started_at);
    expect(parseDbDateTime(log!.watermark!)).toBe(startedAt - 120_000);
    expect(result.watermark).toBe(formatDbDateTime(startedAt - 120_000));
    expect(parseDbDateTime(log!.finished_at!)).toBeGreaterThanOrEqual(startedAt);
    expect(log!.duration_ms).toBeGreaterThanOrEqual(0);
    // Every row carries the run's started_at as synced_at.
    const synced = await app.database.db.selectFrom('crm_analytics_leads').select('synced_at').execute();
    expect(new Set(synced.map((row) => parseDbDateTime(row.synced_at)))).toEqual(new Set([startedAt]));
  });

  it('rewrites nothing visible on a second run without changes, and logs dirty_count 0', async () => {
    const sync = syncWith({ SYNC_ROLLING_SIZE: '10000' });
    ok(await sync.run());
    const before = await readLeads(app.database);
    const second = ok(await sync.run());
    expect(second).toMatchObject({ fullBuild: false, dirtyCount: 0, rollingCount: 4, upsertedCount: 4, deletedCount: 0 });
    expect(await readLeads(app.database)).toEqual(before);
    const logs = await logRows();
    expect(logs.map((log) => [log.status, log.dirty_count, log.rolling_count, log.upserted_count, log.deleted_count])).toEqual([
      ['ok', 10, 0, 4, 0],
      ['ok', 0, 4, 4, 0],
    ]);
  });

  it('picks up a row stamped exactly at the previous watermark and a late commit within the lookback', async () => {
    ok(await app.sync.run());
    const [first] = await logRows();
    const startedAt = parseDbDateTime(first!.started_at);
    const watermark = parseDbDateTime(first!.watermark!);
    // Committed after run 1, but stamped before it started: a transaction that was still open.
    await crm.insert('follow_up_comments', [{ id: 10, company_id: 2, salesman_id: null, comment: 'at the watermark', created_at: formatDbDateTime(watermark) }]);
    await crm.insert('prospect_follow_up_comments', [
      { id: 10, prospect_id: 1, salesman_id: null, comment: 'late commit', created_at: formatDbDateTime(startedAt - 60_000) },
    ]);
    // Stamped 1 ms before the watermark: older than the lookback allows, left to the rolling refresh.
    await crm.insert('prospect_follow_up_comments', [
      { id: 11, prospect_id: 6, salesman_id: null, comment: 'too late', created_at: formatDbDateTime(watermark - 1) },
    ]);

    const second = ok(await app.sync.run());
    expect(second.dirtyCount).toBe(2);
    const leads = await readLeads(app.database);
    const lastActivity = (type: string, id: number) => leads.find((lead) => lead.record_type === type && lead.record_id === id)?.last_activity_at;
    expect(lastActivity('company', 2)).toBe(watermark);
    expect(lastActivity('prospect', 1)).toBe(startedAt - 60_000);
    expect(lastActivity('prospect', 6)).toBeNull();

    // The rolling refresh brings in what the timestamps did not show.
    ok(await syncWith({ SYNC_ROLLING_SIZE: '10000' }).run());
    expect(await readLeads(app.database)).toEqual(referenceLeads(crm.model));
  });

  describe('a run that fails after a chunk', () => {
    const failAfter = (index: number): SyncTestHooks => ({
      afterChunk: ({ index: done }) => {
        if (done === index) throw new Error(`injected failure after chunk ${index}`);
      },
    });

    it('on the first run: logged failed, no watermark, lock released; the next run builds everything', async () => {
      await expect(syncWith({}, failAfter(0)).run()).rejects.toThrow('injected failure after chunk 0');
      const [failed] = await logRows();
      expect(failed).toMatchObject({ status: 'failed', error: 'injected failure after chunk 0', watermark: null });
      expect(parseDbDateTime(failed!.finished_at!)).toBeGreaterThanOrEqual(parseDbDateTime(failed!.started_at));
      expect(await lockRows()).toEqual([]);

      const next = ok(await app.sync.run());
      expect(next.fullBuild).toBe(true);
      expect(await readLeads(app.database)).toEqual(HAND_MADE_LEADS);
    });

    it('on a later run: logged failed, watermark unmoved, lock released; the next run catches up', async () => {
      ok(await app.sync.run());
      const [good] = await logRows();
      const now = formatDbDateTime(Date.now());
      await crm.insert('follow_up_comments', [
        { id: 10, company_id: 1, salesman_id: null, comment: 'new', created_at: now },
        { id: 11, company_id: 2, salesman_id: null, comment: 'new', created_at: now },
      ]);
      await crm.update('prospection_users', 1, { is_disqualified: 1, updated_at: now });
      await crm.insert('prospect_follow_up_comments', [{ id: 10, prospect_id: 6, salesman_id: null, comment: 'new', created_at: now }]);

      // Chunks of 2: [company 1, company 2] is committed, then the run dies.
      await expect(syncWith({}, failAfter(0)).run()).rejects.toThrow('injected failure after chunk 0');
      const logs = await logRows();
      expect(logs[1]).toMatchObject({ status: 'failed', error: 'injected failure after chunk 0', watermark: null, dirty_count: 4, upserted_count: 2 });
      expect(await lockRows()).toEqual([]);
      // The latest ok run is still the first: its watermark is where the next run starts from.
      const next = ok(await app.sync.run());
      expect(next).toMatchObject({ fullBuild: false, dirtyCount: 4, upsertedCount: 3, deletedCount: 1 });
      expect((await logRows())[2]?.watermark).not.toBe(good!.watermark);
      expect(await readLeads(app.database)).toEqual(referenceLeads(crm.model));
    });
  });

  it('marks a run left running by a stopped process as failed', async () => {
    await app.database.db.insertInto('crm_analytics_sync_log').values({ started_at: '2025-01-01 00:00:00', status: 'running' }).execute();
    ok(await app.sync.run());
    const [abandoned, run] = await logRows();
    expect(abandoned).toMatchObject({ status: 'failed', error: 'interrupted: the process running it stopped' });
    expect(run).toMatchObject({ status: 'ok' });
  });

  it('tells listeners what changed; a failing listener neither fails the run nor stops the others', async () => {
    const sync = syncWith();
    const events: SyncCompletedEvent[] = [];
    sync.onCompleted(() => {
      throw new Error('listener bug');
    });
    const runsInProgress: (RunInProgress | null)[] = [];
    const unsubscribe = sync.onCompleted((event) => {
      events.push(event);
      runsInProgress.push(sync.currentRun);
    });

    expect(sync.currentRun).toBeNull();
    const first = ok(await sync.run());
    expect(events).toEqual([{ runId: first.runId, watermark: first.watermark, fullBuild: true, deletedKeys: [] }]);
    // Its listeners run while the run is still under way (the memory engine serves its store meanwhile).
    expect(runsInProgress).toEqual([{ id: first.runId, follows: null }]);
    expect(sync.currentRun).toBeNull();
    const now = formatDbDateTime(Date.now());
    await crm.insert('shipments', [{ id: 10, company_id: 2, created_at: now }]);
    await crm.update('prospection_users', 1, { deleted_at: now });
    await crm.remove('companies', 1);

    const second = ok(await sync.run());
    expect(runsInProgress[1]).toEqual({ id: second.runId, follows: first.runId });
    expect(events[1]).toEqual({
      runId: second.runId,
      watermark: second.watermark,
      fullBuild: false,
      deletedKeys: [
        { record_type: 'prospect', record_id: 1 },
        { record_type: 'company', record_id: 1 },
      ],
    });
    expect(second.upsertedCount).toBe(1);
    expect((await logRows()).map((log) => log.status)).toEqual(['ok', 'ok']);

    unsubscribe();
    ok(await sync.run());
    expect(events).toHaveLength(2);
  });

  describe('single flight', () => {
    /** Holds the winning run inside its first chunk until `release` is called. */
    function gatedSync() {
      let release = () => undefined as void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      return { hooks: { afterChunk: () => gate } satisfies SyncTestHooks, release: () => release() };
    }

    async function settleAllButOne(calls: Promise<SyncResult>[], release: () => void): Promise<SyncResult[]> {
      let settled = 0;
      for (const call of calls) void call.then(() => (settled += 1), () => (settled += 1));
      const deadline = Date.now() + 30_000;
      while (settled < calls.length - 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      release();
      return Promise.all(calls);
    }

    it('runs once for ten concurrent calls; the others are skipped and write nothing', async () => {
      const { hooks, release } = gatedSync();
      const sync = syncWith({}, hooks);
      const results = await settleAllButOne(Array.from({ length: 10 }, () => sync.run()), release);
      expect(results.filter((result) => result.skipped)).toHaveLength(9);
      expect(await logRows()).toHaveLength(1);
    });

    it('runs once across two connection pools sharing the database', async () => {
      const { hooks, release } = gatedSync();
      const other = openDatabase(app.scratch.location, { poolSize: 5 });
      try {
        const here = syncWith({}, hooks);
        const there = new SyncService({ database: other, settings: testConfig(app.scratch.databaseUrl, BASE_ENV).sync, logger: app.logger, testHooks: hooks });
        const calls = Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? here : there).run());
        const results = await settleAllButOne(calls, release);
        expect(results.filter((result) => !result.skipped)).toHaveLength(1);
        expect(await logRows()).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it('is skipped while another process holds the lock, and runs once that process dies', async () => {
      const holder = spawnTs('test/support/hold-sync-lock.ts', { env: { DATABASE_URL: app.scratch.databaseUrl } });
      try {
        const [line] = (await once(holder.stdout!, 'data')) as [Buffer];
        expect(line.toString().trim()).toBe('held');
        expect(await app.sync.run()).toEqual({ skipped: true });
        expect(await logRows()).toEqual([]);
      } finally {
        holder.kill('SIGKILL');
        await once(holder, 'exit');
      }
      if (target.dialect === 'sqlite') {
        // A lease outlives its dead holder until it expires (60 s): let that time pass.
        expect(await app.sync.run()).toEqual({ skipped: true });
        await app.database.db.updateTable('crm_analytics_locks').set({ expires_at: '2000-01-01 00:00:00' }).execute();
      }
      // The server notices the closed connection within moments; its session lock goes with it.
      let result: SyncResult = { skipped: true };
      for (let attempt = 0; attempt < 50 && result.skipped; attempt += 1) {
        result = await app.sync.run();
        if (result.skipped) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(result.skipped).toBe(false);
      expect(await readLeads(app.database)).toEqual(HAND_MADE_LEADS);
    });
  });
});
