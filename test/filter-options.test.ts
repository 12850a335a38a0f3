import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { createServer } from '../src/http/server.js';
import { createTestApplication, TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, testDialects, type TestApplication } from './support/test-application.js';

describe.each(testDialects())('GET /crm/analytics/filter-options on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target, { env: { CRM_TIMEZONE: 'America/Mexico_City' } });
    await app.database.db
      .insertInto('locales')
      .values([
        { id: 1, code: 'MX', name: 'México', currency: 'MXN', rate: 18.35 },
        { id: 2, code: 'CO', name: 'Colombia', currency: 'COP', rate: 4012.5 },
        { id: 3, code: 'AR', name: 'Argentina', currency: 'ARS', rate: 1185.75 },
      ])
      .execute();
    await app.database.db
      .insertInto('crm_stages')
      .values([
        { id: 1, name: 'negociacion', color: 'warning', position: 3 },
        { id: 2, name: 'nuevo', color: 'secondary', position: 1 },
        { id: 3, name: 'contactado', color: 'primary', position: 2 },
      ])
      .execute();
    server = await createServer(app);
  });
  afterAll(async () => app.dispose());

  const get = (token?: string) =>
    server.inject({ method: 'GET', url: '/crm/analytics/filter-options', headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('lists locales by name, pipeline stages in order, the CRM time zone and the staleness threshold', async () => {
    const response = await get(issueAdminToken(TEST_JWT_SECRET));
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-cache');
    expect(response.result).toEqual({
      timezone: 'America/Mexico_City',
      stale_after_seconds: 3600,
      locales: [
        { id: 3, code: 'AR', name: 'Argentina', currency: 'ARS' },
        { id: 2, code: 'CO', name: 'Colombia', currency: 'COP' },
        { id: 1, code: 'MX', name: 'México', currency: 'MXN' },
      ],
      stages: [
        { name: 'nuevo', color: 'secondary', position: 1 },
        { name: 'contactado', color: 'primary', position: 2 },
        { name: 'negociacion', color: 'warning', position: 3 },
      ],
    });
  });

  it('needs what the analytics endpoint needs: an admin token (401) with crm-menu (403)', async () => {
    expect((await get()).statusCode).toBe(401);
    expect((await get('not-a-token')).statusCode).toBe(401);
    expect((await get(issueCronToken(TEST_CRON_JWT_SECRET))).statusCode).toBe(401);
    expect((await get(issueAdminToken(TEST_JWT_SECRET, { ttlSeconds: 60, now: Date.now() - 3_600_000 }))).statusCode).toBe(401);
    const forbidden = await get(issueAdminToken(TEST_JWT_SECRET, { permissions: ['reports'] }));
    expect(forbidden.statusCode).toBe(403);
  });
});
