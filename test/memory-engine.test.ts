import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { formatDbDateTime } from '../src/db/datetime.js';
import { planAnalytics } from '../src/domain/analytics-plan.js';
import type { AnalyticsQuery } from '../src/domain/analytics-query.js';
import type { RunInProgress } from '../src/domain/data-generation.js';
import type { AnalyticsEngine } from '../src/engine/analytics-engine.js';
import { createSqlAnalyticsEngine } from '../src/engine/sql/sql-analytics-engine.js';
import { syncLog } from '../src/sync/sync-log.js';
import { analyticsQueryOf, memoryEngineOn } from './support/memory-engine-under-test.js';
import { NOW, leadsArb, queryArb } from './support/analytics-arbitraries.js';
import { clearAnalytics, insertLeads, insertSyncRun, leadRow } from './support/analytics-fixtures.js';
import { applyVisibleChange, crmArbitrary, visibleChange, type VisibleChange } from './support/crm-arbitraries.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/** Filters a random query rarely produces: ids no row has (beyond 32 bits too), U+0000, unknown names. */
const EDGE_QUERIES: AnalyticsQuery[] = [
  {},
  { salesman: 2_147_483_648 },
  { localeIds: [9_999_999_999, 1] },
  { product: 'packageContent.\u0000' },
  { stage: 'no-such-stage' },
  { stage: 'won', tiers: [0, 5] },
  { stage: 'customer_lost', dateRange: { startDate: '2026-02-01', endDate: '2026-02-28' } },
  { dateRange: { startDate: '2020-01-01', endDate: '2020-01-02' } },
];

describe.each(testDialects())('memory engine on $dialect', (target) => {
  let app: TestApplication;
  let sqlEngine: AnalyticsEngine;

  beforeAll(async () => {
    app = await createTestApplication(target, {
      env: { ANALYTICS_ENGINE: 'memory', SYNC_LOOKBACK_SECONDS: '0', SYNC_ROLLING_SIZE: '3', SYNC_BATCH_SIZE: '7' },
    });
    sqlEngine = createSqlAnalyticsEngine(app.database.db, syncLog);
  });
  afterAll(async () => app.dispose());

  const bothEngines = async (memory: AnalyticsEngine, query: AnalyticsQuery) => {
    const plan = planAnalytics(query, 'UTC');
    return { memory: await memory.compute(plan, NOW), sql: await sqlEngine.compute(plan, NOW) };
  };

  it('gives the SQL engine\'s payload, deep-equal, for random leads and random filters', async () => {
    await fc.assert(
      fc.asyncProperty(leadsArb(), fc.array(queryArb, { minLength: 1, maxLength: 6 }), async (leads, queries) => {
        await clearAnalytics(app.database.db);
        await insertLeads(app.database.db, leads);
        await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
        const memory = memoryEngineOn(app.database);
        await memory.refresh();
        expect(memory.status()).toMatchObject({ state: 'serving', leads: leads.length });
        for (const query of [...queries.map(analyticsQueryOf), ...EDGE_QUERIES]) {
          const { memory: fromMemory, sql: fromSql } = await bothEngines(memory, query);
          expect(fromMemory).toStrictEqual(fromSql);
        }
      }),
      { numRuns: target.dialect === 'sqlite' ? 60 : 25 },
    );
  }, 240_000);

  it('keeps account values in cents as the SQL engine sums them, half cents included', async () => {
    await clearAnalytics(app.database.db);
    // A product per lead, rate 1: by_product's total_value is each lead's cents / 100. SQLite keeps
    // 0.285 as a REAL (× 100 = 28.499999999999996); the others round it to the column's 2 decimals.
    const values = [1234.5, 0.285, 1.005, 19.99, 12.345, 7, 0.01, 99_999_999.99];
    await insertLeads(
      app.database.db,
      values.map((value, index) => leadRow({ id: index + 1, value, shipments: 1, product: `packageContent.p${index}`, created: '2026-03-01' })),
    );
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
    const memory = memoryEngineOn(app.database);
    await memory.refresh();
    const { memory: fromMemory, sql: fromSql } = await bothEngines(memory, {});
    expect(fromMemory).toStrictEqual(fromSql);
    expect(fromSql.body.by_product).toContainEqual({ product_name: 'packageContent.p0', lead_count: 1, total_value: 1234.5 });
  });

  it('answers through the SQL engine until a store of the latest sync is loaded, never mixing generations', async () => {
    await clearAnalytics(app.database.db);
    const answered: string[] = [];
    const countingFallback: AnalyticsEngine = {
      compute: (plan, now) => {
        answered.push('sql');
        return sqlEngine.compute(plan, now);
      },
    };
    let ownRun: RunInProgress | null = null;
    const memory = memoryEngineOn(app.database, { fallback: countingFallback, ownRunInProgress: () => ownRun });
    const plan = planAnalytics({}, 'UTC');
    // Not started (a one-shot command): it never loads, SQL answers everything.
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 09:00' });
    await memory.compute(plan, NOW);
    await memory.whenIdle();
    expect(memory.status()).toMatchObject({ state: 'loading', leads: 0 });
    expect(answered).toEqual(['sql']);
    await app.database.db.deleteFrom('crm_analytics_sync_log').execute();
    answered.length = 0;

    // Started (a server): no successful sync yet, so whatever is in the table, SQL reads it.
    memory.start();
    await memory.whenIdle();
    expect((await memory.compute(plan, NOW)).generation).toBeNull();
    expect(answered).toEqual(['sql']);

    const first = await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
    expect((await memory.compute(plan, NOW)).generation?.id).toBe(first);
    await memory.whenIdle();
    expect(memory.status().generation).toBe(first);
    const fromStore = await memory.compute(plan, NOW);
    expect(answered).toHaveLength(2);
    expect(fromStore.generation?.id).toBe(first);

    // A newer sync elsewhere: SQL answers (labelled with it) until the refresh has swapped the store.
    const second = await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:00' });
    expect((await memory.compute(plan, NOW)).generation?.id).toBe(second);
    expect(answered).toHaveLength(3);
    await memory.whenIdle();
    expect((await memory.compute(plan, NOW)).generation?.id).toBe(second);
    expect(answered).toHaveLength(3);

    // A sync of this process: from its `ok` row until its refresh is done (its call has not
    // returned), the previous store answers, labelled so; then the new one.
    const third = await insertSyncRun(app.database.db, { watermark: '2026-04-17 12:00' });
    ownRun = { id: third, follows: second };
    expect((await memory.compute(plan, NOW)).generation?.id).toBe(second);
    await memory.whenIdle();
    expect(memory.status().generation).toBe(second);
    const refreshing = memory.refreshAfterSync([]);
    expect((await memory.compute(plan, NOW)).generation?.id).toBe(second);
    await refreshing;
    ownRun = null;
    expect((await memory.compute(plan, NOW)).generation?.id).toBe(third);
    expect(memory.status().generation).toBe(third);
    // A run of this process that followed a run the store has not caught up with (another
    // process's, just before): SQL answers, the store being two generations behind.
    const fourth = await insertSyncRun(app.database.db, { watermark: '2026-04-17 13:00' });
    const fifth = await insertSyncRun(app.database.db, { watermark: '2026-04-17 14:00' });
    ownRun = { id: fifth, follows: fourth };
    expect((await memory.compute(plan, NOW)).generation?.id).toBe(fifth);
    expect(answered).toHaveLength(4);
    ownRun = null;
    await memory.close();
  });

  it('stays equal to the SQL engine through syncs that insert, update and delete leads', async () => {
    const memory = app.memoryEngine;
    if (memory === null) throw new Error('ANALYTICS_ENGINE=memory gives a memory engine');
    const queries: AnalyticsQuery[] = [
      {},
      { dateRange: { startDate: '2025-01-01', endDate: '2026-12-31' } },
      { stage: 'won' },
      { tiers: [1, 2, 3] },
      { salesman: 1 },
      { product: 'packageContent.electronics' },
    ];
    await fc.assert(
      fc.asyncProperty(crmArbitrary, fc.array(fc.array(visibleChange, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }), async (initial, batches: VisibleChange[][]) => {
        const crm = new MirroredCrm(app.database);
        await crm.reset();
        await crm.load(initial);
        await app.sync.run();
        await memory.refresh();
        const loadsBefore = memory.status().loads;
        for (const changes of batches) {
          const now = formatDbDateTime(Date.now());
          for (const change of changes) await applyVisibleChange(crm, change, now);
          const result = await app.sync.run();
          expect(result.skipped).toBe(false);
          // The sync's listener refreshed the store before returning: it serves the new run at once,
          // from the rows the run wrote and the keys it deleted, not a full load.
          expect(memory.status()).toMatchObject({ generation: result.skipped ? null : result.runId, loads: loadsBefore });
          for (const query of queries) {
            const plan = planAnalytics(query, 'UTC');
            const fromSql = await sqlEngine.compute(plan, NOW);
            expect(await memory.compute(plan, NOW)).toStrictEqual(fromSql);
          }
        }
      }),
      { numRuns: target.dialect === 'sqlite' ? 20 : 10 },
    );
  }, 240_000);

  it('is brought up to date in a second process by its poll', async () => {
    const crm = new MirroredCrm(app.database);
    await crm.reset();
    await crm.load(fc.sample(crmArbitrary, { numRuns: 1, seed: 7 })[0] ?? initialCrmMissing());
    await app.sync.run();

    const other = openDatabase(app.scratch.location, { poolSize: 2 });
    const polling = memoryEngineOn(other, { pollMs: 50 });
    try {
      polling.start();
      await waitFor(() => polling.status().state === 'serving');
      const [change] = fc.sample(visibleChange, { numRuns: 1, seed: 11 });
      if (change) await applyVisibleChange(crm, change, formatDbDateTime(Date.now()));
      const result = await app.sync.run();
      if (result.skipped) throw new Error('the sync ran');
      await waitFor(() => polling.status().generation === result.runId);
      const plan = planAnalytics({}, 'UTC');
      expect(await polling.compute(plan, NOW)).toStrictEqual(await sqlEngine.compute(plan, NOW));
    } finally {
      await polling.close();
      await other.close();
    }
  });
});

function initialCrmMissing(): never {
  throw new Error('fast-check gave no sample');
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
