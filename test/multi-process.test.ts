import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { seedDemoCrm } from '../src/demo/seed-demo-crm.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * Several API instances share one database (issue #5): a sync asked of both at once runs once,
 * and both answer the same payload afterwards. A SIGTERM lets an in-flight sync finish, releases
 * its lock and closes the pools.
 */
const cronToken = issueCronToken(TEST_CRON_JWT_SECRET);
const adminToken = issueAdminToken(TEST_JWT_SECRET);

async function postSync(server: ServerProcess): Promise<unknown> {
  const response = await fetch(`${server.url}/crm/analytics/sync`, { method: 'POST', headers: { authorization: `Bearer ${cronToken}` } });
  expect(response.status).toBe(200);
  return response.json();
}

/** The payload less what says where and when it was computed (`meta.source`, `meta.computed_at`). */
async function analyticsAnswer(server: ServerProcess, query: string): Promise<unknown> {
  const response = await fetch(`${server.url}/prospects/client-analytics?${query}`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(response.status).toBe(200);
  const { meta, ...body } = (await response.json()) as { meta: { data_as_of: string | null } };
  return { ...body, data_as_of: meta.data_as_of };
}

describe.each(testDialects())('two API processes on one $dialect database', (target) => {
  let app: TestApplication;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    app = await createTestApplication(target);
    await seedDemoCrm(app.database, { leads: 20_000, seed: 2, now: Date.parse('2026-11-01T00:00:00Z') });
    // Small chunks make the first run last long enough for every request to meet it.
    const env = { SYNC_BATCH_SIZE: '25' };
    servers.push(await startServerProcess(app.scratch.databaseUrl, env), await startServerProcess(app.scratch.databaseUrl, env));
  }, 180_000);
  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await app.dispose();
  });

  it('runs one sync for ten concurrent calls spread over both, then both answer the same', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => postSync(servers[index % 2] as ServerProcess)));
    expect(answers.filter((answer) => JSON.stringify(answer) === '{"ok":true}')).toHaveLength(1);
    expect(answers.filter((answer) => JSON.stringify(answer) === '{"ok":true,"skipped":true}')).toHaveLength(9);
    const runs = await app.database.db.selectFrom('crm_analytics_sync_log').select(['status']).execute();
    expect(runs).toEqual([{ status: 'ok' }]);

    for (const query of ['', 'startDate=2026-10-01&endDate=2026-10-31&localeIds=1,2', 'salesman=3&stage=won', 'tier=1,2&product=packageContent.food']) {
      const [first, second] = servers as [ServerProcess, ServerProcess];
      expect(await analyticsAnswer(second, query)).toEqual(await analyticsAnswer(first, query));
    }
  });

  it('finishes an in-flight sync on SIGTERM, releases the lock and exits 0', async () => {
    const server = servers.pop() as ServerProcess;
    // Force a full build again, so the run lasts a while.
    await app.database.db.deleteFrom('crm_analytics_sync_log').execute();
    const answer = postSync(server);
    for (let waited = 0; waited < 30_000; waited += 20) {
      const running = await app.database.db.selectFrom('crm_analytics_sync_log').select('status').where('status', '=', 'running').executeTakeFirst();
      if (running) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    server.child.kill('SIGTERM');
    expect(await answer).toEqual({ ok: true });
    expect(await server.exited).toBe(0);
    expect(await app.database.db.selectFrom('crm_analytics_sync_log').select('status').execute()).toEqual([{ status: 'ok' }]);
    // The lock is free: the next run is not skipped.
    expect(await app.sync.run()).toMatchObject({ skipped: false });
  });
});
