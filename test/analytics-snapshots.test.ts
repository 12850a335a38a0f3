import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { planAnalytics } from '../src/domain/analytics-plan.js';
import { createSqlAnalyticsEngine } from '../src/engine/sql/sql-analytics-engine.js';
import { createServer } from '../src/http/server.js';
import { rebuildCrmAnalyticsSnapshots } from '../src/analytics/rebuild-snapshots-job.js';
import { snapshotCacheKey } from '../src/analytics/snapshot-key.js';
import {
  bodyOf,
  clearAnalytics,
  getAnalytics,
  insertLeads,
  insertStages,
  insertSyncRun,
  instant,
  leadRow,
  payloadOf,
} from './support/analytics-fixtures.js';
import { syncLog } from '../src/sync/sync-log.js';
import { runCli } from './support/run-cli.js';
import { TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

describe('snapshot cache keys', () => {
  it('hashes startDate|endDate|localeIds with MD5, each absent part empty', () => {
    expect(snapshotCacheKey({})).toBe('7d010443693eec253a121e2aa2ba177c'); // md5("||")
    expect(snapshotCacheKey({ dateRange: { startDate: '2026-03-18', endDate: '2026-04-17' }, localeIds: [1, 3] })).toBe(
      '6a54c3569ccadfa0400abd0d686b9d43', // md5("2026-03-18|2026-04-17|1,3")
    );
  });

  it('normalises localeIds: sorted as integers, duplicates dropped', () => {
    const range = { startDate: '2026-03-18', endDate: '2026-04-17' };
    expect(snapshotCacheKey({ dateRange: range, localeIds: [3, 1, 3] })).toBe(snapshotCacheKey({ dateRange: range, localeIds: [1, 3] }));
    expect(snapshotCacheKey({ localeIds: [10, 9] })).toBe(snapshotCacheKey({ localeIds: [9, 10] }));
    expect(snapshotCacheKey({ localeIds: [1] })).not.toBe(snapshotCacheKey({}));
  });
});

describe.each(testDialects())('snapshots on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;
  let now = instant('2026-04-17 12:00');

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => now });
    server = await createServer(app);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });
  beforeEach(async () => {
    now = instant('2026-04-17 12:00');
    await clearAnalytics(app.database.db);
    await insertStages(app.database.db, [['contactado', 'primary']]);
    await insertLeads(
      app.database.db,
      [
        { id: 1, created: '2026-04-10 00:00', value: 100, shipments: 1, salesman: [5, 'Ana'] as const },
        { id: 2, created: '2026-03-01 00:00', value: 50, shipments: 2, won: true, wonAt: '2026-04-01 00:00' },
        { id: 3, created: '2025-12-01 00:00', locale: 2, rate: 10, value: 1000, lost: true },
      ].map(leadRow),
    );
  });

  const snapshotRows = () =>
    app.database.db
      .selectFrom('crm_analytics_snapshots')
      .select(['cache_key', 'preset', 'start_date', 'end_date', 'locale_ids', 'generation', 'built_at'])
      .orderBy('cache_key')
      .execute();

  it('builds the four presets for the latest successful sync, then serves them as snapshots', async () => {
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 09:00' });
    const generation = await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:58' });
    await insertSyncRun(app.database.db, { status: 'failed', watermark: '2026-04-17 11:59' });

    const report = await rebuildCrmAnalyticsSnapshots(app.analytics);
    expect(report.generation).toBe(generation);
    expect(report.built.map(({ preset, startDate, endDate }) => [preset, startDate, endDate])).toStrictEqual([
      ['last30', '2026-03-18', '2026-04-17'],
      ['1m', '2026-04-01', '2026-04-17'],
      ['3m', '2026-01-17', '2026-04-17'],
      ['6m', '2025-10-17', '2026-04-17'],
    ]);
    const rows = await snapshotRows();
    expect(rows).toHaveLength(4);
    const last30 = rows.find((row) => row.preset === 'last30');
    expect(last30).toMatchObject({
      cache_key: snapshotCacheKey({ dateRange: { startDate: '2026-03-18', endDate: '2026-04-17' } }),
      start_date: '2026-03-18',
      end_date: '2026-04-17',
      locale_ids: '',
      generation,
    });
    expect(String(last30?.built_at)).toMatch(/^2026-04-17 12:00:00/);

    const response = await getAnalytics(server, 'startDate=2026-03-18&endDate=2026-04-17');
    expect(response.headers['x-analytics-source']).toBe('snapshot');
    const served = payloadOf(response);
    expect(served.meta).toStrictEqual({ source: 'snapshot', computed_at: '2026-04-17T12:00:00.000Z', data_as_of: '2026-04-17T11:58:00.000Z' });

    // The snapshot holds exactly what live computation gives for the same data and instant.
    const live = await createSqlAnalyticsEngine(app.database.db, syncLog).compute(
      planAnalytics({ dateRange: { startDate: '2026-03-18', endDate: '2026-04-17' } }, 'UTC'),
      now,
    );
    expect(bodyOf(response)).toStrictEqual(live.body);
    expect(served.kpis.total_leads).toStrictEqual({ current: 1, previous: 1 });
  });

  it('serves live once a newer sync has run, until the rebuild', async () => {
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
    await rebuildCrmAnalyticsSnapshots(app.analytics);
    const query = 'startDate=2026-04-01&endDate=2026-04-17';
    expect((await getAnalytics(server, query)).headers['x-analytics-source']).toBe('snapshot');

    // A cacheable request outside the presets is stored for this generation too.
    expect((await getAnalytics(server, 'localeIds=1')).headers['x-analytics-source']).toBe('live');
    expect((await getAnalytics(server, 'localeIds=1')).headers['x-analytics-source']).toBe('snapshot');

    // New data and a new sync: the old snapshot must not be served.
    await insertLeads(app.database.db, [leadRow({ id: 4, created: '2026-04-16 00:00' })]);
    expect(bodyOf(await getAnalytics(server, query)).kpis.total_leads.current).toBe(1);
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:00' });
    const afterSync = await getAnalytics(server, query);
    expect(afterSync.headers['x-analytics-source']).toBe('live');
    expect(payloadOf(afterSync).meta.data_as_of).toBe('2026-04-17T11:00:00.000Z');
    expect(bodyOf(afterSync).kpis.total_leads.current).toBe(2);

    const report = await rebuildCrmAnalyticsSnapshots(app.analytics);
    // the presets are replaced in place; the localeIds=1 snapshot of the old generation goes
    expect(report.removed).toBe(1);
    const rebuilt = await getAnalytics(server, query);
    expect(rebuilt.headers['x-analytics-source']).toBe('snapshot');
    expect(bodyOf(rebuilt).kpis.total_leads.current).toBe(2);
    expect(new Set((await snapshotRows()).map((row) => row.generation))).toStrictEqual(new Set([report.generation]));
  });

  it('stores a cacheable request computed live: the next identical request is a snapshot', async () => {
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
    const first = await getAnalytics(server, 'startDate=2026-01-01&endDate=2026-04-17&localeIds=3,1,3');
    expect(first.headers['x-analytics-source']).toBe('live');
    // the same key: 1,3 is 3,1,3 normalised
    const second = await getAnalytics(server, 'localeIds=1,3&startDate=2026-01-01&endDate=2026-04-17');
    expect(second.headers['x-analytics-source']).toBe('snapshot');
    expect(bodyOf(second)).toStrictEqual(bodyOf(first));
    expect(await snapshotRows()).toMatchObject([{ preset: null, start_date: '2026-01-01', end_date: '2026-04-17', locale_ids: '1,3' }]);

    // all time, no parameter at all (and empty values are absent)
    expect((await getAnalytics(server, '')).headers['x-analytics-source']).toBe('live');
    expect((await getAnalytics(server, 'tier=&salesman=')).headers['x-analytics-source']).toBe('snapshot');
  });

  it('computes interactive filters live, always', async () => {
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
    await rebuildCrmAnalyticsSnapshots(app.analytics);
    for (const filter of ['salesman=5', 'tier=1', 'stage=won', 'product=x']) {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await getAnalytics(server, `startDate=2026-03-18&endDate=2026-04-17&${filter}`);
        expect(response.headers['x-analytics-source'], filter).toBe('live');
        expect(payloadOf(response).meta.source).toBe('live');
      }
    }
    expect(await snapshotRows()).toHaveLength(4);
  });

  it('before the first successful sync: live, nothing stored, nothing built', async () => {
    await insertSyncRun(app.database.db, { status: 'failed', watermark: '2026-04-17 10:00' });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await getAnalytics(server, 'startDate=2026-03-18&endDate=2026-04-17');
      expect(response.headers['x-analytics-source']).toBe('live');
      expect(payloadOf(response).meta.data_as_of).toBeNull();
    }
    expect(await rebuildCrmAnalyticsSnapshots(app.analytics)).toStrictEqual({ generation: null, built: [], removed: 0 });
    expect(await snapshotRows()).toHaveLength(0);
  });

  it('keeps serving a snapshot of the latest successful sync while new data waits for the next one', async () => {
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
    await rebuildCrmAnalyticsSnapshots(app.analytics);
    await insertLeads(app.database.db, [leadRow({ id: 9, created: '2026-04-17 01:00' })]);
    await insertSyncRun(app.database.db, { status: 'running', watermark: '2026-04-17 11:00' });
    const response = await getAnalytics(server, 'startDate=2026-04-01&endDate=2026-04-17');
    expect(response.headers['x-analytics-source']).toBe('snapshot');
    expect(bodyOf(response).kpis.total_leads.current).toBe(1);
  });

  it.each([
    // [now, CRM_TIMEZONE's today → the four ranges]
    ['2026-05-31 12:00', [['last30', '2026-05-01', '2026-05-31'], ['1m', '2026-05-01', '2026-05-31'], ['3m', '2026-02-28', '2026-05-31'], ['6m', '2025-11-30', '2026-05-31']]],
    ['2024-05-31 12:00', [['last30', '2024-05-01', '2024-05-31'], ['1m', '2024-05-01', '2024-05-31'], ['3m', '2024-02-29', '2024-05-31'], ['6m', '2023-11-30', '2024-05-31']]],
    ['2024-08-31 12:00', [['last30', '2024-08-01', '2024-08-31'], ['1m', '2024-08-01', '2024-08-31'], ['3m', '2024-05-31', '2024-08-31'], ['6m', '2024-02-29', '2024-08-31']]],
    ['2025-03-01 00:00', [['last30', '2025-01-30', '2025-03-01'], ['1m', '2025-03-01', '2025-03-01'], ['3m', '2024-12-01', '2025-03-01'], ['6m', '2024-09-01', '2025-03-01']]],
  ] as const)('at %s the rebuild builds the presets of that day, served as snapshots', async (clock, expected) => {
    now = instant(clock);
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
    const report = await rebuildCrmAnalyticsSnapshots(app.analytics);
    expect(report.built.map(({ preset, startDate, endDate }) => [preset, startDate, endDate])).toStrictEqual(expected);
    for (const [, startDate, endDate] of expected) {
      const response = await getAnalytics(server, `startDate=${startDate}&endDate=${endDate}`);
      expect(response.headers['x-analytics-source']).toBe('snapshot');
    }
  });

  it('reads today in CRM_TIMEZONE: 03:00 UTC on April 1st is still March 31st in Mexico City', async () => {
    const zoned = await createTestApplication(target, {
      clock: () => instant('2026-04-01 03:00'),
      env: { CRM_TIMEZONE: 'America/Mexico_City' },
    });
    try {
      await insertSyncRun(zoned.database.db, { watermark: '2026-04-01 02:00' });
      const report = await rebuildCrmAnalyticsSnapshots(zoned.analytics);
      expect(report.built.map(({ preset, startDate, endDate }) => [preset, startDate, endDate])).toStrictEqual([
        ['last30', '2026-03-01', '2026-03-31'],
        ['1m', '2026-03-01', '2026-03-31'],
        ['3m', '2025-12-31', '2026-03-31'],
        ['6m', '2025-09-30', '2026-03-31'],
      ]);
    } finally {
      await zoned.dispose();
    }
  });

  it('`crm-analytics snapshots rebuild` builds them from the command line', async () => {
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
    const env = { DATABASE_URL: app.scratch.databaseUrl, JWT_SECRET: TEST_JWT_SECRET, CRON_JWT_SECRET: TEST_CRON_JWT_SECRET };
    const result = await runCli(['snapshots', 'rebuild'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/built last30 /);
    expect(result.stderr).toMatch(/4 snapshots built for sync run \d+/);
    expect(await snapshotRows()).toHaveLength(4);

    await clearAnalytics(app.database.db);
    const none = await runCli(['snapshots', 'rebuild'], { env });
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('no successful sync yet');
  });
});
