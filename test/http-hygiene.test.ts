import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Server, ServerInjectResponse } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCronToken } from '../src/auth/tokens.js';
import { REQUEST_LIMITS } from '../src/http/http-hygiene.js';
import { SYNC_MAX_PAYLOAD_BYTES } from '../src/http/plugins/sync-plugin.js';
import { REQUEST_ID_HEADER, SECURITY_HEADERS } from '../src/http/plugins/security-headers-plugin.js';
import { createServer } from '../src/http/server.js';
import { createLogger } from '../src/logging/logger.js';
import { ANALYTICS_URL, adminToken } from './support/analytics-fixtures.js';
import { signToken, nowSeconds } from './support/hostile-tokens.js';
import { TEST_CRON_JWT_SECRET, createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * HTTP hygiene on every route (docs/reliability.md): security headers on every response, no CORS
 * unless CORS_ORIGINS says so, bounded URLs and bodies, 500s that tell nothing, and logs with
 * request ids and no tokens. HTTP-level behaviour: one dialect is enough.
 */
const [target] = testDialects();
const STANDARD_500 = { statusCode: 500, error: 'Internal Server Error', message: 'An internal server error occurred' };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cronToken = () => issueCronToken(TEST_CRON_JWT_SECRET);

/** Lines written by the application's logger, kept for the test to read. */
function capturedLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('HTTP hygiene', () => {
  let app: TestApplication;
  let server: Server;
  const logs = capturedLogs();
  const staticDirectory = mkdtempSync(join(tmpdir(), 'crm-analytics-static-'));
  const dashboardDirectory = mkdtempSync(join(tmpdir(), 'crm-analytics-dashboard-'));

  beforeAll(async () => {
    app = await createTestApplication(target!, { logger: logs.logger });
    // A dashboard build of our own: the page and a hashed asset, as `vite build` leaves them.
    mkdirSync(join(dashboardDirectory, 'assets'));
    writeFileSync(join(dashboardDirectory, 'index.html'), '<!doctype html><title>Dashboard</title><script type="module" src="/assets/index-abc123.js"></script>\n');
    writeFileSync(join(dashboardDirectory, 'assets', 'index-abc123.js'), 'export {};\n');
    server = await createServer(app, { dashboardDirectory });
    // As the dashboard plugin will: static files and a route that fails, registered after the
    // server is built, by another plugin. The hygiene must cover them too.
    writeFileSync(join(staticDirectory, 'app.js'), 'console.log("dashboard")\n');
    await server.register({
      name: 'late-plugin',
      register(late) {
        late.route({ method: 'GET', path: '/late/{file*}', options: { auth: false }, handler: { directory: { path: staticDirectory } } });
        late.route({
          method: 'GET',
          path: '/late-failure',
          options: { auth: false },
          handler() {
            throw new Error('internal detail: password=hunter2 in /etc/crm/secret.conf');
          },
        });
        late.route({ method: 'POST', path: '/late-upload', options: { auth: false }, handler: () => ({ ok: true }) });
      },
    });
    // The documentation page's routes are added when the server initialises (as `start` does).
    await server.initialize();
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });

  const get = (url: string, headers: Record<string, string> = {}) => server.inject({ method: 'GET', url, headers });

  describe('security headers', () => {
    const expectSecurityHeaders = (response: ServerInjectResponse) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers[name.toLowerCase()], name).toBe(value);
      expect(response.headers[REQUEST_ID_HEADER.toLowerCase()]).toMatch(/\S+/);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    };

    it('are on every response: API, documentation, static files, errors of every kind', async () => {
      const responses: [string, number, ServerInjectResponse][] = [
        ['health', 200, await get('/health')],
        ['analytics', 200, await get(ANALYTICS_URL, bearer(adminToken()))],
        ['analytics without a token', 401, await get(ANALYTICS_URL)],
        ['analytics without crm-menu', 403, await get(ANALYTICS_URL, bearer(adminToken({ permissions: [] })))],
        ['analytics with a bad parameter', 422, await get(`${ANALYTICS_URL}?tier=9`, bearer(adminToken()))],
        ['an unknown path', 404, await get('/no/such/file.txt')],
        ['the dashboard page', 200, await get('/')],
        ['a dashboard asset', 200, await get('/assets/index-abc123.js')],
        ['a dashboard page path', 200, await get('/pipeline/overview', { accept: 'text/html' })],
        ['the OpenAPI document', 200, await get('/openapi.json')],
        ['the documentation page', 200, await get('/documentation')],
        ['a Swagger UI file', 200, await get('/swaggerui/swagger-ui.css')],
        ['a static file of a later plugin', 200, await get('/late/app.js')],
        ['a failing route of a later plugin', 500, await get('/late-failure')],
        ['a URL too long', 414, await get(`${ANALYTICS_URL}?product=${'x'.repeat(REQUEST_LIMITS.maxUrlLength)}`)],
        [
          'a body too large',
          413,
          await server.inject({ method: 'POST', url: '/crm/analytics/sync', headers: bearer(cronToken()), payload: 'x'.repeat(SYNC_MAX_PAYLOAD_BYTES + 1) }),
        ],
      ];
      const ids = new Set<string>();
      for (const [what, status, response] of responses) {
        expect(response.statusCode, what).toBe(status);
        expectSecurityHeaders(response);
        ids.add(String(response.headers[REQUEST_ID_HEADER.toLowerCase()]));
      }
      expect(ids.size).toBe(responses.length);
    });

    it('the documentation page runs under the policy: no inline script or style', async () => {
      const page = (await get('/documentation')).payload;
      expect(page).toContain('<div id="swagger-ui">');
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      const script = await get('/documentation/swagger-initializer.js');
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toContain('javascript');
      expect(script.payload).toContain('"/openapi.json"');
      expect((await get('/documentation/page.css')).headers['content-type']).toContain('text/css');
    });
  });

  describe('500 bodies tell nothing', () => {
    it('an exception in a route: the standard body, the detail only in the log', async () => {
      const response = await get('/late-failure');
      expect(JSON.parse(response.payload)).toStrictEqual(STANDARD_500);
      expect(response.payload).not.toMatch(/hunter2|secret\.conf|at |stack/);
      const logged = logs.lines.filter((line) => line.includes('hunter2'));
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.some((line) => line.includes(String(response.headers['x-request-id'])))).toBe(true);
    });

    it('a database that fails under every route: the standard body, no SQL, no driver message', async () => {
      const broken = await createTestApplication(target!);
      try {
        const brokenServer = await createServer(broken);
        await broken.database.close();
        const responses = [
          await brokenServer.inject({ method: 'GET', url: ANALYTICS_URL, headers: bearer(adminToken()) }),
          await brokenServer.inject({ method: 'GET', url: `${ANALYTICS_URL}?stage=negociacion`, headers: bearer(adminToken()) }),
          await brokenServer.inject({ method: 'POST', url: '/crm/analytics/sync', headers: bearer(cronToken()) }),
        ];
        for (const response of responses) {
          expect(response.statusCode).toBe(500);
          expect(JSON.parse(response.payload)).toStrictEqual(STANDARD_500);
          expect(response.payload).not.toMatch(/select|insert|driver|destroyed|kysely|sqlite|mysql|postgres/i);
        }
        const health = await brokenServer.inject({ method: 'GET', url: '/health' });
        expect(health.statusCode).toBe(503);
        expect(JSON.parse(health.payload)).toStrictEqual({ status: 'unavailable', database: 'down' });
      } finally {
        await broken.dispose();
      }
    });
  });

  describe('request size limits', () => {
    it(`a URL of ${REQUEST_LIMITS.maxUrlLength} characters is served; one more is a 414`, async () => {
      const url = (length: number) => `${ANALYTICS_URL}?product=${'x'.repeat(length - ANALYTICS_URL.length - '?product='.length)}`;
      const atLimit = await get(url(REQUEST_LIMITS.maxUrlLength), bearer(adminToken()));
      expect(atLimit.statusCode).toBe(422); // too long a product: the route saw it
      const over = await get(url(REQUEST_LIMITS.maxUrlLength + 1), bearer(adminToken()));
      expect(over.statusCode).toBe(414);
      expect(JSON.parse(over.payload)).toMatchObject({ statusCode: 414, error: 'Request-URI Too Large' });
    });

    it(`the sync route takes a body of up to ${SYNC_MAX_PAYLOAD_BYTES} bytes (ignored); more is a 413, and runs nothing`, async () => {
      const post = (payload: string) => server.inject({ method: 'POST', url: '/crm/analytics/sync', headers: bearer(cronToken()), payload });
      expect((await post('{}')).statusCode).toBe(200);
      expect((await post('x'.repeat(SYNC_MAX_PAYLOAD_BYTES))).statusCode).toBe(200);
      const runs = (await app.database.db.selectFrom('crm_analytics_sync_log').select('id').execute()).length;
      const tooBig = await post('x'.repeat(SYNC_MAX_PAYLOAD_BYTES + 1));
      expect(tooBig.statusCode).toBe(413);
      expect((await app.database.db.selectFrom('crm_analytics_sync_log').select('id').execute()).length).toBe(runs);
    });

    it(`any other POST route takes at most ${REQUEST_LIMITS.maxPayloadBytes / 1024} KiB`, async () => {
      const upload = (bytes: number) =>
        server.inject({ method: 'POST', url: '/late-upload', headers: { 'content-type': 'text/plain' }, payload: 'x'.repeat(bytes) });
      expect((await upload(REQUEST_LIMITS.maxPayloadBytes)).statusCode).toBe(200);
      expect((await upload(REQUEST_LIMITS.maxPayloadBytes + 1)).statusCode).toBe(413);
    });
  });

  describe('CORS', () => {
    const preflight = (target: Server, origin: string) =>
      target.inject({
        method: 'OPTIONS',
        url: ANALYTICS_URL,
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });

    it('is off by default: no Access-Control-* header, preflights refused', async () => {
      const response = await get(ANALYTICS_URL, { ...bearer(adminToken()), origin: 'https://evil.example' });
      expect(response.statusCode).toBe(200);
      expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
      const refused = await preflight(server, 'https://evil.example');
      expect(refused.statusCode).toBe(404);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('with CORS_ORIGINS, answers those origins only', async () => {
      const allowed = 'https://crm.example.com';
      const corsApp = await createTestApplication(target!, { env: { CORS_ORIGINS: `${allowed}, http://localhost:5173` } });
      try {
        const corsServer = await createServer(corsApp);
        const ok = await corsServer.inject({ method: 'GET', url: ANALYTICS_URL, headers: { ...bearer(adminToken()), origin: allowed } });
        expect(ok.statusCode).toBe(200);
        expect(ok.headers['access-control-allow-origin']).toBe(allowed);
        expect(String(ok.headers['access-control-expose-headers']).toLowerCase()).toContain('x-analytics-source');
        expect(ok.headers['access-control-allow-credentials']).toBeUndefined();

        const pre = await preflight(corsServer, allowed);
        expect(pre.statusCode).toBe(200);
        expect(pre.headers['access-control-allow-origin']).toBe(allowed);
        expect(String(pre.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');

        const other = await corsServer.inject({ method: 'GET', url: ANALYTICS_URL, headers: { ...bearer(adminToken()), origin: 'https://evil.example' } });
        expect(other.headers['access-control-allow-origin']).toBeUndefined();
        expect((await preflight(corsServer, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await corsApp.dispose();
      }
    });
  });

  describe('logs', () => {
    it('carry the request id of every response and never a token, wherever the token was put', async () => {
      const admin = adminToken();
      const cron = cronToken();
      const forged = signToken({ alg: 'HS256', typ: 'JWT' }, { sub: 'x', type: 'admin', permissions: ['crm-menu'], iat: nowSeconds() }, 'wrong-secret');
      const start = logs.lines.length;
      const responses = [
        await get(ANALYTICS_URL, bearer(admin)),
        await get(ANALYTICS_URL, bearer(forged)),
        await get(`${ANALYTICS_URL}?token=${admin}`, bearer(admin)),
        await get(`${ANALYTICS_URL}?q=${forged}&access_token=${cron}`, bearer(admin)),
        await get(`/prospects/${admin}`),
        await get('/late-failure', bearer(admin)),
        await server.inject({ method: 'POST', url: '/crm/analytics/sync', headers: bearer(cron) }),
        await server.inject({ method: 'POST', url: '/crm/analytics/sync', headers: { authorization: `Bearer ${cron.slice(0, -2)}xx` } }),
      ];
      const written = logs.lines.slice(start);
      const output = written.join('\n');
      for (const token of [admin, cron, forged]) {
        for (const part of token.split('.')) expect(output).not.toContain(part);
      }
      const requestLines = written.map((line) => JSON.parse(line) as { req?: { id?: string }; res?: { statusCode?: number } }).filter((line) => line.res);
      expect(requestLines.map((line) => line.req?.id)).toEqual(responses.map((response) => response.headers['x-request-id']));
      expect(requestLines.map((line) => line.res?.statusCode)).toEqual(responses.map((response) => response.statusCode));
    });
  });
});
