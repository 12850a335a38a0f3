import type { Server } from '@hapi/hapi';
import Jwt from '@hapi/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { createServer } from '../src/http/server.js';
import { syncStatusSchema } from '../src/http/plugins/operations-schemas.js';
import { insertSyncRun } from './support/analytics-fixtures.js';
import { handMadeCrm } from './support/hand-made-crm.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { createTestApplication, TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, testDialects, type TestApplication } from './support/test-application.js';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const RUN_COLUMNS = ['id', 'started_at', 'finished_at', 'watermark', 'dirty_count', 'rolling_count', 'upserted_count', 'deleted_count', 'duration_ms', 'status', 'error'];

describe.each(testDialects())('GET /crm/analytics/sync/status on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;
  let now = Date.parse('2026-04-17T12:00:00Z');
  let failNextChunk = false;

  beforeAll(async () => {
    app = await createTestApplication(target, {
      clock: () => now,
      syncTestHooks: {
        afterChunk: () => {
          if (failNextChunk) throw new Error('injected failure');
        },
      },
    });
    server = await createServer(app);
  });
  afterAll(async () => app.dispose());

  const get = (authorization?: string) =>
    server.inject({ method: 'GET', url: '/crm/analytics/sync/status', headers: authorization === undefined ? {} : { authorization } });
  const cron = () => `Bearer ${issueCronToken(TEST_CRON_JWT_SECRET)}`;
  const admin = (permissions = ['crm-menu']) => `Bearer ${issueAdminToken(TEST_JWT_SECRET, { permissions })}`;

  it.each([
    ['no token', undefined],
    ['garbage', 'Bearer not-a-token'],
    ['an expired admin token', `Bearer ${issueAdminToken(TEST_JWT_SECRET, { now: Date.now() - 9 * 3600_000, ttlSeconds: 8 * 3600 })}`],
    ['an expired cron token', `Bearer ${issueCronToken(TEST_CRON_JWT_SECRET, { ttlSeconds: 60, now: Date.now() - 3_600_000 })}`],
    ['a cron token signed with the admin secret', `Bearer ${issueCronToken(TEST_JWT_SECRET)}`],
    ['an admin token signed with the cron secret', `Bearer ${issueAdminToken(TEST_CRON_JWT_SECRET)}`],
    ['an HS512 cron token', `Bearer ${Jwt.token.generate({ sub: 'x', type: 'cron' }, { key: TEST_CRON_JWT_SECRET, algorithm: 'HS512' })}`],
  ])('answers 401 to %s', async (_case, authorization) => {
    const response = await get(authorization);
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.payload)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('answers 403 to an admin token without crm-menu', async () => {
    const response = await get(admin(['reports']));
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.payload)).toMatchObject({ statusCode: 403, error: 'Forbidden' });
  });

  it('answers an empty log: no latest ok run, no runs, no lag', async () => {
    const response = await get(cron());
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.payload)).toStrictEqual({ latest_ok: null, runs: [], lag_seconds: null });
  });

  it('lists the latest 20 runs newest first with every column, the latest ok run and its lag', async () => {
    const crm = new MirroredCrm(app.database);
    await crm.reset();
    await crm.load(handMadeCrm());
    await app.sync.run();
    failNextChunk = true;
    await expect(app.sync.run()).rejects.toThrow('injected failure');
    failNextChunk = false;
    const early = JSON.parse((await get(cron())).payload) as { runs: Record<string, unknown>[] };
    expect(early.runs.map((run) => run.status)).toStrictEqual(['failed', 'ok']);
    expect(early.runs[0]).toMatchObject({ error: 'injected failure', watermark: null });
    expect(early.runs[0]!.finished_at).toMatch(ISO_MS);
    for (let index = 0; index < 20; index += 1) await insertSyncRun(app.database.db, { status: 'failed', watermark: '2026-04-17 11:00' });

    const log = await app.database.db.selectFrom('crm_analytics_sync_log').selectAll().orderBy('id', 'desc').execute();
    const ok = log.find((row) => row.status === 'ok')!;
    const startedAt = Date.parse(`${String(ok.started_at).replace(' ', 'T')}Z`);
    now = startedAt + 125_250;

    for (const authorization of [cron(), admin()]) {
      const response = await get(authorization);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const status = JSON.parse(response.payload) as { latest_ok: Record<string, unknown>; runs: Record<string, unknown>[]; lag_seconds: number };
      expect(syncStatusSchema.validate(status).error).toBeUndefined();
      expect(status.runs.map((run) => run.id)).toStrictEqual(log.slice(0, 20).map((row) => Number(row.id)));
      for (const run of status.runs) expect(Object.keys(run).sort()).toStrictEqual([...RUN_COLUMNS].sort());
      expect(status.latest_ok).toMatchObject({
        id: Number(ok.id),
        status: 'ok',
        error: null,
        dirty_count: Number(ok.dirty_count),
        upserted_count: 4,
        duration_ms: Number(ok.duration_ms),
      });
      for (const column of ['started_at', 'finished_at', 'watermark']) expect(status.latest_ok[column]).toMatch(ISO_MS);
      expect(Date.parse(status.latest_ok.started_at as string)).toBe(startedAt);
      expect(status.lag_seconds).toBeCloseTo(125.25, 3);
      expect(status.runs.map((run) => run.status)).toStrictEqual(Array(20).fill('failed'));
    }
  });
});
