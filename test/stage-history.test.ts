import type { Server } from '@hapi/hapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsQuery } from '../src/domain/analytics-query.js';
import { planAnalytics } from '../src/domain/analytics-plan.js';
import { assembleStageHistory, nearestRankPercentile } from '../src/domain/stage-history.js';
import { NO_FILTER } from '../src/domain/analytics-plan.js';
import { leadStageEntriesOf } from '../src/engine/memory/lead-stage-entries.js';
import { stageTalliesOf } from '../src/engine/memory/stage-tallies.js';
import { stageValueOrdersOf } from '../src/engine/memory/stage-value-orders.js';
import { computeStageHistoryOfStore, stageHistoryOfStore } from '../src/engine/memory/memory-stage-history.js';
import { createMemoryStageHistoryEngine } from '../src/engine/memory/memory-stage-history-engine.js';
import { createSqlStageHistoryEngine } from '../src/engine/sql/sql-stage-history.js';
import type { StageHistoryEngine } from '../src/engine/stage-history-engine.js';
import { createServer } from '../src/http/server.js';
import { syncLog } from '../src/sync/sync-log.js';
import { adminToken } from './support/analytics-fixtures.js';
import { crmArbitrary } from './support/crm-arbitraries.js';
import { demoCrmModel } from './support/demo-crm-model.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { STAGE_HISTORY_ALL_TIME, STAGE_HISTORY_NOW, stageHistoryCrm } from './support/stage-history-crm.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * `GET /prospects/client-analytics/stages` (SPEC §12): every field on a hand-made CRM, on both
 * engines and every dialect; nearest-rank percentiles on 1, 2 and 10 values; the memory engine
 * equal to the SQL engine for random filters on random and believable CRMs.
 */
const URL = '/prospects/client-analytics/stages';

describe('nearest-rank percentiles (SPEC §12)', () => {
  const of = (values: number[], p: number) => nearestRankPercentile(Float64Array.from(values), values.length, p);
  it('on 1 value: that value', () => {
    expect([of([4], 50), of([4], 90)]).toEqual([4, 4]);
  });
  it('on 2 values: the median is the first (v⌈1⌉), p90 the second (v⌈1.8⌉)', () => {
    expect([of([9, 2], 50), of([9, 2], 90)]).toEqual([2, 9]);
  });
  it('on 10 values: v5 and v9, whatever their order', () => {
    const values = [7, 3, 10, 1, 9, 2, 8, 5, 4, 6];
    expect([of(values, 50), of(values, 90)]).toEqual([5, 9]);
    expect([of([...values].sort((a, b) => a - b), 50), of([...values].sort((a, b) => b - a), 90)]).toEqual([5, 9]);
  });
  it('on none: null', () => {
    expect(nearestRankPercentile(new Float64Array(0), 0, 50)).toBeNull();
  });
  it('agrees with a sort for random values (selection, not sorting)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 100 }), (values, p) => {
        const sorted = [...values].sort((a, b) => a - b);
        expect(of(values, p)).toBe(sorted[Math.ceil((p * values.length) / 100) - 1]);
      }),
    );
  });
});

describe('memory engine: the walk over visits (more than 32 stage codes) = the per-(lead, stage) entries', () => {
  it('gives the same aggregates for random visit histories', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ flags: fc.integer({ min: 0, max: 3 }), visits: fc.array(fc.record({ code: fc.integer({ min: 0, max: 5 }), gap: fc.integer({ min: -5, max: 40 }) }), { maxLength: 6 }) }), { maxLength: 40 }),
        async (leads) => {
          const start = new Uint32Array(leads.length + 1);
          const codes: number[] = [];
          const entered: number[] = [];
          leads.forEach((lead, row) => {
            let at = 1_700_000_000_000;
            for (const visit of lead.visits) {
              // Consecutive visits of one stage are one visit: skip repeats, as the table never has them.
              if (codes.length > (start[row] as number) && codes.at(-1) === visit.code) continue;
              codes.push(visit.code);
              entered.push((at += visit.gap * 3_600_000));
            }
            start[row + 1] = codes.length;
          });
          const base = { start, stage: Uint16Array.from(codes), enteredAt: Float64Array.from(entered), stageIds: [11, 12, 13, 14, 15, 16], size: codes.length };
          const entries = await leadStageEntriesOf(base);
          const flags = Uint8Array.from(leads, (lead) => lead.flags);
          const orders = await stageValueOrdersOf(base, entries, flags);
          const store = { size: leads.length, created_at: new Float64Array(leads.length), flags, dictionaries: {} } as never;
          const stages = [11, 12, 13, 14, 15].map((id, index) => ({ stage_id: id, stage_name: `s${id}`, stage_color: 'primary', position: (index * 7) % 5 }));
          const now = 1_800_000_000_000;
          const tallies = await stageTalliesOf(base, entries, flags);
          // Three ways over the whole store: the counts tallied once per store, a pass over the
          // entries, a walk over the visits (more stage codes than the masks hold).
          const tallied = { ...base, entries, orders, tallies };
          const fast = stageHistoryOfStore(store, tallied, NO_FILTER, stages, now);
          const passed = stageHistoryOfStore(store, { ...base, entries, orders, tallies: null }, NO_FILTER, stages, now);
          const walked = stageHistoryOfStore(store, { ...base, entries: { ...entries, later: null }, orders, tallies: null }, NO_FILTER, stages, now);
          expect(passed).toEqual(fast);
          expect(walked).toEqual(fast);
          // Over the whole store the percentiles are read from the values sorted once per store;
          // gathering and selecting them (as under a filter) gives the same answer.
          for (const visits of [tallied, { ...base, entries, orders, tallies: null }, { ...base, entries: { ...entries, later: null }, orders, tallies: null }]) {
            expect(computeStageHistoryOfStore(store, visits, NO_FILTER, stages, true)).toEqual(computeStageHistoryOfStore(store, visits, NO_FILTER, stages));
          }
          // The answer is kept per store and filter; a later instant still gets its own ages.
          const later = stageHistoryOfStore(store, tallied, NO_FILTER, stages, now + 86_400_000);
          expect(later.stages.map((stage) => stage.currentMedianMs)).toEqual(fast.stages.map((stage) => (stage.currentMedianMs === null ? null : stage.currentMedianMs + 86_400_000)));
        },
      ),
    );
  });
});

describe.each(testDialects())('stage history on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => STAGE_HISTORY_NOW });
    const crm = new MirroredCrm(app.database);
    await crm.load(stageHistoryCrm());
    expect((await app.sync.run()).skipped).toBe(false);
    server = await createServer(app);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });

  const get = async (query = '') => {
    const response = await server.inject({ method: 'GET', url: query === '' ? URL : `${URL}?${query}`, headers: { authorization: `Bearer ${adminToken()}` } });
    expect(response.statusCode, response.payload).toBe(200);
    const { meta, ...body } = JSON.parse(response.payload) as typeof STAGE_HISTORY_ALL_TIME & { meta: { source: string; data_as_of: string | null } };
    expect(meta.source).toBe('live');
    expect(meta.data_as_of).not.toBeNull();
    return body;
  };

  const zero = (stage: (typeof STAGE_HISTORY_ALL_TIME.stages)[number]) => ({
    ...stage,
    entered: 0,
    current: 0,
    advanced: 0,
    advance_rate: null,
    median_days: null,
    p90_days: null,
    current_median_days: null,
  });
  const [nuevo, contactado, propuesta, cierre, pausa] = STAGE_HISTORY_ALL_TIME.stages as [
    (typeof STAGE_HISTORY_ALL_TIME.stages)[number],
    (typeof STAGE_HISTORY_ALL_TIME.stages)[number],
    (typeof STAGE_HISTORY_ALL_TIME.stages)[number],
    (typeof STAGE_HISTORY_ALL_TIME.stages)[number],
    (typeof STAGE_HISTORY_ALL_TIME.stages)[number],
  ];
  const expectedByQuery: [string, unknown][] = [
    ['', STAGE_HISTORY_ALL_TIME],
    [
      // Only company 3 was created in that range.
      'startDate=2026-03-02&endDate=2026-03-31',
      {
        stages: [
          { ...nuevo, entered: 1, advanced: 1, advance_rate: 100, median_days: 7, p90_days: 7 },
          zero(contactado),
          zero(propuesta),
          cierre,
          zero(pausa),
        ],
        transitions: [{ from: 'nuevo', to: 'cierre', count: 1 }],
      },
    ],
    [
      // Company 1 and prospect 1 are in propuesta now.
      'stage=propuesta',
      {
        stages: [{ ...nuevo, entered: 1, advanced: 1, advance_rate: 100, median_days: 5, p90_days: 5 }, contactado, propuesta, zero(cierre), zero(pausa)],
        transitions: [
          { from: 'contactado', to: 'propuesta', count: 2 },
          { from: 'nuevo', to: 'contactado', count: 2 },
          { from: 'contactado', to: 'nuevo', count: 1 },
        ],
      },
    ],
    ['salesman=99', { stages: STAGE_HISTORY_ALL_TIME.stages.map(zero), transitions: [] }],
  ];

  it('answers every field as worked out by hand, on the SQL engine (no memory store loaded yet)', async () => {
    expect(app.memoryEngine?.status().state).toBe('loading');
    for (const [query, expected] of expectedByQuery) expect(await get(query), query).toEqual(expected);
  });

  it('answers the same on the memory engine once its store is loaded', async () => {
    await app.memoryEngine?.refresh();
    expect(app.memoryEngine?.status().state).toBe('serving');
    for (const [query, expected] of expectedByQuery) expect(await get(query), query).toEqual(expected);
  });

  it('refuses what the other analytics routes refuse: 401, 403, 422 naming the parameter', async () => {
    expect((await server.inject({ method: 'GET', url: URL })).statusCode).toBe(401);
    const forbidden = await server.inject({ method: 'GET', url: URL, headers: { authorization: `Bearer ${adminToken({ permissions: [] })}` } });
    expect(forbidden.statusCode).toBe(403);
    for (const [query, name] of [
      ['stage=nope', 'stage'],
      ['tier=9', 'tier'],
      ['startDate=2026-01-01', 'endDate'],
      ['interval=day', 'interval'],
    ] as const) {
      const response = await server.inject({ method: 'GET', url: `${URL}?${query}`, headers: { authorization: `Bearer ${adminToken()}` } });
      expect(response.statusCode, query).toBe(422);
      expect((JSON.parse(response.payload) as { message: string }).message, query).toContain(name);
    }
  });
});

/** Random §4 filters over what a CRM holds. */
function queryArbitrary(stageNames: readonly string[]): fc.Arbitrary<AnalyticsQuery> {
  const days = ['2024-01-01', '2024-06-15', '2025-01-01', '2025-06-30', '2026-01-01', '2026-04-17'];
  return fc
    .record({
      dateRange: fc.option(
        fc.tuple(fc.constantFrom(...days), fc.constantFrom(...days)).map(([a, b]) => (a <= b ? { startDate: a, endDate: b } : { startDate: b, endDate: a })),
      ),
      localeIds: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })),
      salesman: fc.option(fc.integer({ min: 1, max: 8 })),
      tiers: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 })),
      stage: fc.option(fc.constantFrom('won', 'customer_lost', 'in_recharge', ...stageNames)),
      product: fc.option(fc.constantFrom('packageContent.electronics', 'packageContent.clothing', 'packageContent.food')),
    })
    .map((spec) => {
      const query: { -readonly [K in keyof AnalyticsQuery]: AnalyticsQuery[K] } = {};
      for (const [key, value] of Object.entries(spec)) if (value !== null) (query as Record<string, unknown>)[key] = value;
      return query;
    });
}

describe.each(testDialects())('stage history: memory engine = SQL engine on $dialect', (target) => {
  let app: TestApplication;
  let sqlEngine: StageHistoryEngine;
  let memoryEngine: StageHistoryEngine;

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => STAGE_HISTORY_NOW, env: { SYNC_ROLLING_SIZE: '0' } });
    sqlEngine = createSqlStageHistoryEngine(app.database.db, app.database.dialect.statements, syncLog);
    const refuse: StageHistoryEngine = { stageHistory: () => Promise.reject(new Error('the memory engine did not answer')) };
    memoryEngine = createMemoryStageHistoryEngine(app.memoryEngine!, refuse);
  });
  afterAll(async () => app.dispose());

  async function expectParity(queries: readonly AnalyticsQuery[]): Promise<void> {
    await app.memoryEngine!.refresh();
    const stages = await app.reference.stageRows();
    for (const query of queries) {
      const filter = planAnalytics(query, 'UTC').current;
      const fromSql = await sqlEngine.stageHistory(filter, stages, STAGE_HISTORY_NOW);
      const fromMemory = await memoryEngine.stageHistory(filter, stages, STAGE_HISTORY_NOW);
      expect(assembleStageHistory(stages, fromMemory.aggregates), JSON.stringify(query)).toEqual(assembleStageHistory(stages, fromSql.aggregates));
      expect(fromMemory.generation).toEqual(fromSql.generation);
    }
  }

  it('on random CRMs (negative visits, re-entries, missing stages) and random filters', async () => {
    await fc.assert(
      fc.asyncProperty(crmArbitrary, fc.array(queryArbitrary(['stage_0', 'stage_1', 'stage_2']), { minLength: 1, maxLength: 6 }), async (initial, queries) => {
        const crm = new MirroredCrm(app.database);
        await crm.reset();
        await crm.load(initial);
        expect((await app.sync.run()).skipped).toBe(false);
        await expectParity([{}, ...queries]);
      }),
      { numRuns: 15 },
    );
  }, 240_000);

  it('on a believable CRM, after a full build and after an incremental refresh of the memory store', async () => {
    const crm = new MirroredCrm(app.database);
    await crm.reset();
    const model = demoCrmModel({ leads: 400, seed: 12, now: STAGE_HISTORY_NOW, batchSize: 400 });
    await crm.load(model);
    expect((await app.sync.run()).skipped).toBe(false);
    const queries = fc.sample(queryArbitrary(model.crm_stages.map((stage) => stage.name)), { seed: 15, numRuns: 30 });
    await expectParity([{}, ...queries]);
    // New follow-ups for some leads: the memory store refreshes them (and their visits) incrementally.
    const now = new Date().toISOString().slice(0, 23).replace('T', ' ');
    for (const company of model.companies.slice(0, 40)) {
      await crm.insert('follow_up_data', [
        { id: crm.nextId('follow_up_data'), company_id: company.id, prospect_id: null, stage_id: 3, product: null, monthly_shipments: 1, account_value: 1, is_won: 0, is_lost: 0, won_at: null, created_at: now },
      ]);
    }
    expect((await app.sync.run()).skipped).toBe(false);
    const before = app.memoryEngine!.status();
    await expectParity([{}, ...queries]);
    expect(app.memoryEngine!.status().refreshes).toBeGreaterThan(before.refreshes);
  }, 240_000);
});
