import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/server.js';
import { healthOkSchema } from '../src/http/plugins/operations-schemas.js';
import { insertSyncRun, instant } from './support/analytics-fixtures.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

describe.each(testDialects())('staleness on /health on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;
  let now = instant('2026-04-17 12:00');

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => now, env: { SYNC_STALE_AFTER_SECONDS: '600' } });
    server = await createServer(app);
  });
  afterAll(async () => app.dispose());

  const health = async () => {
    const response = await server.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    const report = JSON.parse(response.payload) as Record<string, unknown>;
    expect(healthOkSchema.validate(report).error).toBeUndefined();
    return report;
  };

  it('is stale before the first successful sync, with no age', async () => {
    expect(await health()).toMatchObject({ status: 'ok', stale: true, data_age_seconds: null, last_sync_ok_at: null, stale_after_seconds: 600 });
  });

  it('is fresh until SYNC_STALE_AFTER_SECONDS after the latest ok run started, stale (still 200) after', async () => {
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:58', startedAt: '2026-04-17 11:59' });
    await insertSyncRun(app.database.db, { status: 'failed', watermark: '2026-04-17 12:30' });
    now = instant('2026-04-17 12:09');
    expect(await health()).toMatchObject({ stale: false, data_age_seconds: 600, last_sync_ok_at: '2026-04-17T11:58:00.000Z' });
    now = instant('2026-04-17 12:09') + 1000;
    expect(await health()).toMatchObject({ stale: true, data_age_seconds: 601 });
    now = instant('2026-04-20 12:00');
    expect(await health()).toMatchObject({ status: 'ok', database: 'up', stale: true, data_age_seconds: 3 * 86_400 + 60 });
  });
});
