import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/server.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

describe.each(testDialects())('GET /health on $dialect', (target) => {
  let app: TestApplication;

  beforeAll(async () => {
    app = await createTestApplication(target, { migrate: false });
  });
  afterAll(async () => app.dispose());

  it('answers 200 while the database is reachable, 503 once it is not', async () => {
    const server = await createServer(app);
    const up = await server.inject({ method: 'GET', url: '/health' });
    expect(up.statusCode).toBe(200);
    expect(up.result).toMatchObject({ status: 'ok', database: 'up', analytics_engine: { kind: 'memory', state: 'loading' } });
    expect(up.headers['cache-control']).toBe('no-store');

    await app.database.close();
    const down = await server.inject({ method: 'GET', url: '/health' });
    expect(down.statusCode).toBe(503);
    expect(down.result).toEqual({ status: 'unavailable', database: 'down' });
  });
});
