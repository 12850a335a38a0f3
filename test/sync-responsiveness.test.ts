import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCrm } from '../src/demo/seed-demo-crm.js';
import { createServer } from '../src/http/server.js';
import { getAnalytics } from './support/analytics-fixtures.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * A sync must not stall the API of its own process: on SQLite one connection serves both, so the
 * run hands it over between chunks. Requests made while the run is going are answered before it ends.
 */
describe.each(testDialects())('the API during a sync on $dialect', (target) => {
  let app: TestApplication;

  beforeAll(async () => {
    app = await createTestApplication(target, { env: { SYNC_BATCH_SIZE: '20' } });
    await seedDemoCrm(app.database, { leads: 8_000, seed: 4, now: Date.parse('2026-11-01T00:00:00Z') });
  });
  afterAll(async () => app.dispose());

  it('answers requests while the first sync is still running', async () => {
    const server = await createServer(app);
    const order: string[] = [];
    const run = app.sync.run().then(() => order.push('sync'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const requests = [
      server.inject({ method: 'GET', url: '/health' }).then((response) => order.push(`health ${response.statusCode}`)),
      getAnalytics(server, 'tier=1').then((response) => order.push(`analytics ${response.statusCode}`)),
    ];
    await Promise.all([run, ...requests]);
    expect(order.at(-1)).toBe('sync');
    expect(order.slice(0, 2).sort()).toEqual(['analytics 200', 'health 200']);
    await server.stop();
  });
});
