import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/server.js';
import { IMMUTABLE_CACHE_CONTROL } from '../src/http/plugins/dashboard-plugin.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

const INDEX_HTML = '<!doctype html><title>dashboard</title><script type="module" src="/assets/index-AbC123.js"></script>';
const APP_JS = 'console.log("dashboard");';

describe('the dashboard is served at / by the API server', () => {
  let app: TestApplication;
  let built: string;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(testDialects()[0]!, { migrate: false });
    built = mkdtempSync(join(tmpdir(), 'crm-dashboard-dist-'));
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), INDEX_HTML);
    writeFileSync(join(built, 'assets', 'index-AbC123.js'), APP_JS);
    writeFileSync(join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(built, '.secret'), 'hidden');
    server = await createServer(app, { dashboardDirectory: built });
  });
  afterAll(async () => {
    rmSync(built, { recursive: true, force: true });
    await app.dispose();
  });

  it('serves index.html at / with no-cache, so a new build is picked up on the next load', async () => {
    const response = await server.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers.etag).toBeDefined();
    expect(response.payload).toBe(INDEX_HTML);

    const revalidated = await server.inject({ method: 'GET', url: '/', headers: { 'if-none-match': String(response.headers.etag) } });
    expect(revalidated.statusCode).toBe(304);
  });

  it('serves hashed assets as immutable for a year', async () => {
    const response = await server.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.payload).toBe(APP_JS);
  });

  it('answers a missing asset with 404, not with the page', async () => {
    const response = await server.inject({ method: 'GET', url: '/assets/index-gone.js', headers: { accept: '*/*' } });
    expect(response.statusCode).toBe(404);
  });

  it('serves other files of the build with revalidation, but never hidden ones or ones outside it', async () => {
    const icon = await server.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');

    expect((await server.inject({ method: 'GET', url: '/.secret' })).statusCode).toBe(404);
    expect((await server.inject({ method: 'GET', url: '/assets/../.secret' })).statusCode).toBe(404);
    expect((await server.inject({ method: 'GET', url: '/%2e%2e/package.json' })).statusCode).toBe(404);
  });

  it('falls back to index.html for page paths a browser navigates to', async () => {
    const response = await server.inject({ method: 'GET', url: '/some/view?stage=won', headers: { accept: 'text/html,*/*' } });
    expect(response.statusCode).toBe(200);
    expect(response.payload).toBe(INDEX_HTML);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('leaves the API alone: its routes answer as before, unknown API paths stay JSON 404s', async () => {
    const health = await server.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.result).toMatchObject({ status: 'ok', database: 'up' });

    const unknownApi = await server.inject({ method: 'GET', url: '/prospects/unknown', headers: { accept: 'text/html' } });
    expect(unknownApi.statusCode).toBe(404);
    expect(JSON.parse(unknownApi.payload)).toMatchObject({ statusCode: 404, error: 'Not Found' });

    const fileLike = await server.inject({ method: 'GET', url: '/missing.png', headers: { accept: 'text/html' } });
    expect(fileLike.statusCode).toBe(404);
    const script = await server.inject({ method: 'GET', url: '/somewhere', headers: { accept: 'application/json' } });
    expect(script.statusCode).toBe(404);
  });

  it('says how to build the dashboard when it was never built', async () => {
    const unbuilt = await createServer(app, { dashboardDirectory: join(built, 'nothing-here') });
    const response = await unbuilt.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.payload).toContain('npm run build');
  });

  it('refuses a relative dashboard directory at start-up', async () => {
    await expect(createServer(app, { dashboardDirectory: 'ui/dist' })).rejects.toThrow(/directory/);
  });
});
