import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { createServer } from '../src/http/server.js';
import { handMadeCrm } from './support/hand-made-crm.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { createTestApplication, TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, testDialects, type TestApplication } from './support/test-application.js';

/** The value of one sample of the exposition text (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const prefix = labels === '' ? `${name} ` : `${name}{${labels}} `;
  const line = text.split('\n').find((entry) => entry.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

describe.each(testDialects())('GET /metrics on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;
  let now = Date.parse('2026-04-17T12:00:00Z');
  /** What the sync's test seam does after each chunk: nothing, fail, or wait for a gate. */
  let afterChunk: () => void | Promise<void> = () => undefined;

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => now, syncTestHooks: { afterChunk: () => afterChunk() } });
    server = await createServer(app);
    const crm = new MirroredCrm(app.database);
    await crm.reset();
    await crm.load(handMadeCrm());
  });
  afterAll(async () => app.dispose());

  const cron = () => `Bearer ${issueCronToken(TEST_CRON_JWT_SECRET)}`;
  const scrape = async () => {
    const response = await server.inject({ method: 'GET', url: '/metrics', headers: { authorization: cron() } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.payload;
  };

  it.each([
    ['no token', undefined],
    ['an admin token', `Bearer ${issueAdminToken(TEST_JWT_SECRET)}`],
    ['garbage', 'Bearer not-a-token'],
    ['an expired cron token', `Bearer ${issueCronToken(TEST_CRON_JWT_SECRET, { ttlSeconds: 60, now: Date.now() - 3_600_000 })}`],
  ])('answers 401 to %s', async (_case, authorization) => {
    const response = await server.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
    expect(response.statusCode).toBe(401);
    expect(response.payload).not.toContain('crm_analytics_');
  });

  it('has every metric before the first sync: last success 0 (never), an infinite lag', async () => {
    const text = await scrape();
    for (const status of ['ok', 'failed', 'skipped']) expect(sample(text, 'crm_analytics_sync_runs_total', `status="${status}"`)).toBe(0);
    for (const result of ['hit', 'miss']) expect(sample(text, 'crm_analytics_snapshot_requests_total', `result="${result}"`)).toBe(0);
    expect(text).toContain('# TYPE crm_analytics_sync_duration_seconds histogram');
    expect(text).toContain('# TYPE crm_analytics_last_sync_success_timestamp_seconds gauge');
    expect(sample(text, 'crm_analytics_last_sync_success_timestamp_seconds')).toBe(0);
    expect(text).toContain('\ncrm_analytics_data_lag_seconds +Inf\n');
    expect(sample(text, 'crm_analytics_leads')).toBe(0);
    // Node's process metrics, the event-loop delay among them.
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_max_seconds');
    expect(text).toContain('# TYPE crm_analytics_memory_engine_generation gauge');
  });

  it('counts ok, failed and skipped runs, and reads the latest ok run of any process from the log', async () => {
    await app.sync.run();
    afterChunk = () => {
      throw new Error('injected failure');
    };
    await expect(app.sync.run()).rejects.toThrow('injected failure');
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    afterChunk = () => gate;
    const first = app.sync.run();
    const second = await app.sync.run();
    expect(second).toStrictEqual({ skipped: true });
    release();
    await first;
    afterChunk = () => undefined;

    const runs = await app.database.db.selectFrom('crm_analytics_sync_log').selectAll().where('status', '=', 'ok').orderBy('id', 'desc').execute();
    const latest = runs[0]!;
    const startedAt = Date.parse(`${String(latest.started_at).replace(' ', 'T')}Z`);
    const finishedAt = Date.parse(`${String(latest.finished_at).replace(' ', 'T')}Z`);
    now = startedAt + 90_500;

    const text = await scrape();
    expect(sample(text, 'crm_analytics_sync_runs_total', 'status="ok"')).toBe(2);
    expect(sample(text, 'crm_analytics_sync_runs_total', 'status="failed"')).toBe(1);
    expect(sample(text, 'crm_analytics_sync_runs_total', 'status="skipped"')).toBe(1);
    expect(sample(text, 'crm_analytics_sync_duration_seconds_count')).toBe(3);
    expect(sample(text, 'crm_analytics_last_sync_success_timestamp_seconds')).toBeCloseTo(finishedAt / 1000, 3);
    expect(sample(text, 'crm_analytics_data_lag_seconds')).toBeCloseTo(90.5, 3);
    expect(sample(text, 'crm_analytics_leads')).toBe(4);
  });

  it('labels HTTP requests by route path (never the raw URL) and status, and analytics durations by source', async () => {
    const admin = `Bearer ${issueAdminToken(TEST_JWT_SECRET)}`;
    const get = (url: string, authorization?: string) => server.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
    await get('/prospects/client-analytics?startDate=2026-03-18&endDate=2026-04-17', admin); // the last30 preset: a hit
    await get('/prospects/client-analytics?startDate=2026-03-18&endDate=2026-04-17&localeIds=1', admin); // live, then stored: a miss
    await get('/prospects/client-analytics?startDate=2026-03-18&endDate=2026-04-17&localeIds=1', admin); // a hit
    await get('/prospects/client-analytics?salesman=1', admin); // live, not cacheable
    await get('/prospects/client-analytics?salesman=0', admin); // 422
    await get('/prospects/client-analytics');
    await server.inject({ method: 'DELETE', url: '/no/such/route/42' });

    const text = await scrape();
    const route = 'route="/prospects/client-analytics"';
    expect(sample(text, 'crm_analytics_http_requests_total', `${route},status="200"`)).toBe(4);
    expect(sample(text, 'crm_analytics_http_requests_total', `${route},status="422"`)).toBe(1);
    expect(sample(text, 'crm_analytics_http_requests_total', `${route},status="401"`)).toBe(1);
    expect(sample(text, 'crm_analytics_http_requests_total', 'route="not_found",status="404"')).toBe(1);
    expect(sample(text, 'crm_analytics_http_request_duration_seconds_count', `${route},source="snapshot"`)).toBe(2);
    expect(sample(text, 'crm_analytics_http_request_duration_seconds_count', `${route},source="live"`)).toBe(4);
    expect(sample(text, 'crm_analytics_snapshot_requests_total', 'result="hit"')).toBe(2);
    expect(sample(text, 'crm_analytics_snapshot_requests_total', 'result="miss"')).toBe(1);
    expect(text).not.toContain('salesman=');
    expect(text).not.toContain('/no/such/route');
  });
});
