import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import { seedDemoCrm } from '../src/demo/seed-demo-crm.js';
import { createServer } from '../src/http/server.js';
import { getAnalytics, payloadOf } from './support/analytics-fixtures.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

const NOW = Date.parse('2026-06-15T10:00:00Z');

/** The wiring of SPEC §6: every successful sync is followed by the preset snapshot rebuild. */
describe.each(testDialects())('sync then snapshots on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => NOW });
    await seedDemoCrm(app.database, { leads: 400, seed: 5, now: Date.parse('2026-06-15T00:00:00Z') });
    server = await createServer(app);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });

  it('serves the presets as snapshots right after a successful sync, with that run as data_as_of', async () => {
    const { startDate, endDate } = presetRange('last30', todayInZone(NOW, 'UTC'));
    const before = await getAnalytics(server, `startDate=${startDate}&endDate=${endDate}`);
    expect(before.headers['x-analytics-source']).toBe('live');
    expect(payloadOf(before).meta.data_as_of).toBeNull();

    const result = await app.sync.run();
    expect(result).toMatchObject({ skipped: false });
    const snapshots = await app.database.db.selectFrom('crm_analytics_snapshots').select(['preset', 'generation']).execute();
    expect(snapshots.map((row) => row.preset).sort()).toEqual(['1m', '3m', '6m', 'last30']);

    const after = await getAnalytics(server, `startDate=${startDate}&endDate=${endDate}`);
    expect(after.headers['x-analytics-source']).toBe('snapshot');
    const payload = payloadOf(after);
    expect(payload.meta.source).toBe('snapshot');
    expect(payload.meta.data_as_of).not.toBeNull();
    expect(payload.kpis.total_leads.current).toBeGreaterThan(0);

    const live = await getAnalytics(server, `startDate=${startDate}&endDate=${endDate}&tier=0,1,2,3,4,5`);
    expect(live.headers['x-analytics-source']).toBe('live');
    expect(payloadOf(live).meta.data_as_of).toBe(payload.meta.data_as_of);
  });
});
