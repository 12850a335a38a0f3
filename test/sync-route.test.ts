import type { Server } from '@hapi/hapi';
import Jwt from '@hapi/jwt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { createServer } from '../src/http/server.js';
import { handMadeCrm } from './support/hand-made-crm.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { createTestApplication, TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, testDialects, type TestApplication } from './support/test-application.js';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(testDialects())('POST /crm/analytics/sync on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;
  /** What the sync's test seam does after each chunk: nothing, fail, or wait for a gate. */
  let afterChunk: () => void | Promise<void> = () => undefined;

  beforeAll(async () => {
    app = await createTestApplication(target, { syncTestHooks: { afterChunk: () => afterChunk() } });
    server = await createServer(app);
  });
  afterAll(async () => app.dispose());
  beforeEach(async () => {
    afterChunk = () => undefined;
    const crm = new MirroredCrm(app.database);
    await crm.reset();
    await crm.load(handMadeCrm());
  });

  const post = (authorization?: string) =>
    server.inject({ method: 'POST', url: '/crm/analytics/sync', headers: authorization === undefined ? {} : { authorization } });
  const cronToken = () => `Bearer ${issueCronToken(TEST_CRON_JWT_SECRET)}`;
  const logRows = () => app.database.db.selectFrom('crm_analytics_sync_log').selectAll().orderBy('id').execute();

  const now = Math.floor(Date.now() / 1000);
  it.each([
    ['no Authorization header', undefined],
    ['a malformed token', 'Bearer not-a-jwt'],
    ['another scheme', `Basic ${Buffer.from('cron:secret').toString('base64')}`],
    ['an admin token', `Bearer ${issueAdminToken(TEST_JWT_SECRET)}`],
    ['an expired cron token', `Bearer ${issueCronToken(TEST_CRON_JWT_SECRET, { ttlSeconds: 60, now: Date.now() - 3_600_000 })}`],
    ['a cron token signed with the admin secret', `Bearer ${issueCronToken(TEST_JWT_SECRET)}`],
    ['a cron token signed with another secret', `Bearer ${issueCronToken('another-secret-0123456789abcdef0123456789')}`],
    ['a token of type admin signed with the cron secret', `Bearer ${Jwt.token.generate({ sub: 'x', type: 'admin', permissions: ['crm-menu'] }, { key: TEST_CRON_JWT_SECRET, algorithm: 'HS256' }, { ttlSec: 600 })}`],
    ['an alg:none token', `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'cron', type: 'cron', iat: now })}.`],
  ])('answers 401 to %s and runs nothing', async (_case, authorization) => {
    const response = await post(authorization);
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.payload)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(await logRows()).toEqual([]);
  });

  it('runs a sync with a cron token and answers {"ok":true}', async () => {
    const response = await post(cronToken());
    expect(response.statusCode).toBe(200);
    expect(response.payload).toBe('{"ok":true}');
    expect((await logRows()).map((log) => log.status)).toEqual(['ok']);
    const leads = await app.database.db.selectFrom('crm_analytics_leads').select('record_id').execute();
    expect(leads).toHaveLength(4);
  });

  it('answers ten concurrent calls with one run and nine {"ok":true,"skipped":true}', async () => {
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    afterChunk = () => gate;
    const calls = Array.from({ length: 10 }, () => post(cronToken()));
    let settled = 0;
    for (const call of calls) void call.then(() => (settled += 1));
    for (let waited = 0; settled < 9 && waited < 30_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const responses = await Promise.all(calls);
    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(200));
    const bodies = responses.map((response) => response.payload).sort();
    expect(bodies).toEqual([...Array<string>(9).fill('{"ok":true,"skipped":true}'), '{"ok":true}'].sort());
    expect(await logRows()).toHaveLength(1);
  });

  it("answers a failed run with hapi's standard 500, without a stack trace, and logs it failed", async () => {
    afterChunk = () => {
      throw new Error('injected failure in chunk');
    };
    const response = await post(cronToken());
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.payload)).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'An internal server error occurred' });
    expect(response.payload).not.toMatch(/stack|injected|at /);
    expect(await logRows()).toMatchObject([{ status: 'failed', error: 'injected failure in chunk' }]);

    afterChunk = () => undefined;
    expect((await post(cronToken())).payload).toBe('{"ok":true}');
  });
});
