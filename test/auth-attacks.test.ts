import type { Server } from '@hapi/hapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_LIMITS } from '../src/http/http-hygiene.js';
import { createServer } from '../src/http/server.js';
import { ADMIN_ROUTE, CRON_ROUTE, authorizationCases, hostileTokens, nowSeconds, signToken, type ProtectedRoute } from './support/hostile-tokens.js';
import { rawRequest } from './support/raw-http.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * Token attacks on both protected routes (SPEC §8, RFC 8725): every hostile token is a 401, never
 * a 5xx; arbitrary Authorization headers never pass without a valid token and never cause a 5xx.
 * FUZZ_RUNS sets the property's cases per route and dialect (default 400).
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 400);

const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe.each(testDialects())('token attacks on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;
  let port: number;
  const prototypeBefore = prototypeNames();

  beforeAll(async () => {
    app = await createTestApplication(target);
    server = await createServer(app, { port: 0, host: '127.0.0.1' });
    await server.start();
    port = Number(server.info.port);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
    expect(prototypeNames()).toEqual(prototypeBefore);
  });

  const syncRuns = async () => (await app.database.db.selectFrom('crm_analytics_sync_log').select('id').execute()).length;

  describe.each([ADMIN_ROUTE, CRON_ROUTE])('$name', (route: ProtectedRoute) => {
    const call = (authorization: string | undefined) =>
      server.inject({ method: route.method, url: route.url, headers: authorization === undefined ? {} : { authorization } });
    const validToken = () => `Bearer ${signToken({ alg: 'HS256', typ: 'JWT' }, route.validClaims(nowSeconds()), route.secret)}`;

    it('lets a valid token through (the control)', async () => {
      expect((await call(validToken())).statusCode).toBe(200);
    });

    it.each(hostileTokens(route))('401 for %s', async (_what, authorization) => {
      const runs = await syncRuns();
      const response = await call(authorization);
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.payload)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(await syncRuns()).toBe(runs);
      // The "__proto__" payload, among others, must not have reached Object.prototype.
      expect(prototypeNames()).toEqual(prototypeBefore);
      expect(({} as Record<string, unknown>).type).toBeUndefined();
    });

    it(`takes a 16 KiB Authorization header over HTTP to the auth strategy (401, not Node's 431); past ${REQUEST_LIMITS.maxHeaderBytes / 1024} KiB of headers, 431`, async () => {
      const big = signToken({ alg: 'HS256', typ: 'JWT' }, { ...route.validClaims(nowSeconds()), pad: 'x'.repeat(12_400) }, route.otherSecret);
      expect(big.length).toBeGreaterThanOrEqual(16 * 1024);
      const refused = await rawRequest(port, { method: route.method, path: route.url, headers: { authorization: `Bearer ${big}` } });
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });

      // The same size, validly signed, passes: the bound is on size, not on who sends it.
      const bigValid = signToken({ alg: 'HS256', typ: 'JWT' }, { ...route.validClaims(nowSeconds()), pad: 'x'.repeat(12_400) }, route.secret);
      expect((await rawRequest(port, { method: route.method, path: route.url, headers: { authorization: `Bearer ${bigValid}` } })).status).toBe(200);

      const tooBig = await rawRequest(port, { method: route.method, path: route.url, headers: { authorization: `Bearer ${'x'.repeat(REQUEST_LIMITS.maxHeaderBytes + 1024)}` } });
      expect(tooBig.status).toBe(431);
    });

    it(`property: arbitrary Authorization headers get exactly what SPEC §8 says; never a 2xx without a valid token, never a 5xx`, async () => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(authorizationCases(route), async ({ header, expected }) => {
          const response = await call(header);
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          expect(response.statusCode).toBeLessThan(500);
          expect(response.statusCode).toBe(expected);
        }),
        { numRuns: FUZZ_RUNS },
      );
      expect(prototypeNames()).toEqual(prototypeBefore);
      const fiveXx = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
      console.log(
        `[figures] auth property, ${route.name}, ${target.dialect}: ${FUZZ_RUNS} cases, statuses ${JSON.stringify(Object.fromEntries(statuses))}, 5xx ${fiveXx}`,
      );
    }, 240_000);
  });
});
