import Jwt from '@hapi/jwt';
import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { createServer } from '../src/http/server.js';
import { analyticsPayloadSchema } from '../src/http/plugins/analytics-schemas.js';
import { adminToken, getAnalytics, insertLeads, insertStages, leadRow, payloadOf } from './support/analytics-fixtures.js';
import { TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

const UNAUTHORIZED = [
  ['no Authorization header', null],
  ['a Basic scheme', 'Basic YWRtaW46YWRtaW4='],
  ['garbage', 'Bearer not-a-token'],
  ['a token signed with another secret', `Bearer ${issueAdminToken('another-secret-0123456789abcdef0123456789')}`],
  [
    'an unsigned token (alg: none)',
    `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'x', type: 'admin', permissions: ['crm-menu'], iat: nowSeconds(), exp: nowSeconds() + 600 })}.`,
  ],
  ['an expired token', `Bearer ${issueAdminToken(TEST_JWT_SECRET, { now: Date.now() - 9 * 3600_000, ttlSeconds: 8 * 3600 })}`],
  [
    'an admin token without exp',
    `Bearer ${Jwt.token.generate({ sub: 'x', type: 'admin', permissions: ['crm-menu'] }, { key: TEST_JWT_SECRET, algorithm: 'HS256' })}`,
  ],
  ['a cron token', `Bearer ${issueCronToken(TEST_CRON_JWT_SECRET)}`],
  [
    'a cron-typed token signed with the admin secret',
    `Bearer ${Jwt.token.generate({ sub: 'x', type: 'cron', permissions: ['crm-menu'] }, { key: TEST_JWT_SECRET, algorithm: 'HS256' }, { ttlSec: 600 })}`,
  ],
  [
    'an HS512 token with the right secret',
    `Bearer ${Jwt.token.generate({ sub: 'x', type: 'admin', permissions: ['crm-menu'] }, { key: TEST_JWT_SECRET, algorithm: 'HS512' }, { ttlSec: 600 })}`,
  ],
] as const;

const longText = (length: number) => 'x'.repeat(length);
const ids = (count: number) => Array.from({ length: count }, (_, index) => index + 1).join(',');

/** [query, the parameter the 422 message must name] */
const INVALID: readonly (readonly [string, string])[] = [
  ['startDate=2026-02-30&endDate=2026-03-01', 'startDate'],
  ['startDate=2026-13-01&endDate=2026-12-31', 'startDate'],
  ['startDate=2026-1-1&endDate=2026-01-31', 'startDate'],
  ['startDate=20260101&endDate=2026-01-31', 'startDate'],
  ['startDate=2026-01-01T00:00&endDate=2026-01-31', 'startDate'],
  ['startDate=2026-01-01&endDate=2026-02-29', 'endDate'],
  ['startDate=2026-01-01', 'endDate'],
  ['endDate=2026-01-01', 'startDate'],
  ['startDate=2026-01-01&endDate=', 'endDate'],
  ['startDate=2026-02-01&endDate=2026-01-31', 'startDate'],
  ['startDate=2026-01-01&startDate=2026-01-02&endDate=2026-01-31', 'startDate'],
  ['localeIds=1,,2', 'localeIds'],
  ['localeIds=a', 'localeIds'],
  ['localeIds=0', 'localeIds'],
  ['localeIds=-1', 'localeIds'],
  ['localeIds=1.5', 'localeIds'],
  ['localeIds=1,', 'localeIds'],
  ['localeIds=1, 2', 'localeIds'],
  ['localeIds=99999999999999999999', 'localeIds'],
  [`localeIds=${ids(101)}`, 'localeIds'],
  ['localeIds=1&localeIds=2', 'localeIds'],
  ['salesman=0', 'salesman'],
  ['salesman=-3', 'salesman'],
  ['salesman=abc', 'salesman'],
  ['salesman=1.0', 'salesman'],
  ['salesman=1,2', 'salesman'],
  ['salesman=1&salesman=2', 'salesman'],
  ['tier=6', 'tier'],
  ['tier=-1', 'tier'],
  ['tier=1,,2', 'tier'],
  ['tier=T1', 'tier'],
  ['tier=1&tier=2', 'tier'],
  [`stage=${longText(65)}`, 'stage'],
  ['stage=no_such_stage', 'stage'],
  ['stage=WON', 'stage'],
  ['stage=won&stage=won', 'stage'],
  [`product=${longText(129)}`, 'product'],
  ['product=a&product=b', 'product'],
  [`product=${encodeURIComponent('😀'.repeat(129))}`, 'product'],
  ['foo=1', 'foo'],
  ['startdate=2026-01-01&enddate=2026-01-02', 'startdate'],
];

describe.each(testDialects())('GET /prospects/client-analytics over HTTP on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target);
    server = await createServer(app);
    await insertStages(app.database.db, [
      ['contactado', 'primary'],
      ['negociacion', 'warning'],
    ]);
    await insertLeads(app.database.db, [leadRow({ id: 1, created: '2026-04-01 00:00', product: 'packageContent.food' })]);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });

  describe('authentication and authorisation', () => {
    it.each(UNAUTHORIZED)('401 for %s', async (_label, authorization) => {
      const response = await server.inject({
        method: 'GET',
        url: '/prospects/client-analytics',
        headers: authorization === null ? {} : { authorization },
      });
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.payload)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(response.headers['x-analytics-source']).toBe('live');
    });

    it('403 for a valid admin token without crm-menu', async () => {
      const response = await getAnalytics(server, '', adminToken({ permissions: ['reports'] }));
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.payload)).toStrictEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope' });
      expect(response.headers['x-analytics-source']).toBe('live');
    });

    it('200 for an admin token with crm-menu among other permissions', async () => {
      const response = await getAnalytics(server, '', adminToken({ permissions: ['reports', 'crm-menu'] }));
      expect(response.statusCode).toBe(200);
    });

    it('checks 401, then 403, then 422', async () => {
      const bad = 'tier=9';
      expect((await getAnalytics(server, bad, null)).statusCode).toBe(401);
      expect((await getAnalytics(server, bad, 'garbage')).statusCode).toBe(401);
      expect((await getAnalytics(server, bad, adminToken({ permissions: [] }))).statusCode).toBe(403);
      expect((await getAnalytics(server, bad)).statusCode).toBe(422);
    });
  });

  describe('parameter validation', () => {
    it.each(INVALID)('422 for %s, naming %s', async (query, parameter) => {
      const response = await getAnalytics(server, query);
      expect(response.statusCode).toBe(422);
      const body = JSON.parse(response.payload) as { statusCode: number; error: string; message: string };
      expect(Object.keys(body).sort()).toStrictEqual(['error', 'message', 'statusCode']);
      expect(body.statusCode).toBe(422);
      expect(body.error).toBe('Unprocessable Entity');
      expect(body.message).toContain(`"${parameter}"`);
      expect(response.headers['x-analytics-source']).toBe('live');
    });

    it('names the rule that was broken', async () => {
      const messages = async (query: string) => (JSON.parse((await getAnalytics(server, query)).payload) as { message: string }).message;
      expect(await messages('startDate=2026-02-30&endDate=2026-03-01')).toBe('"startDate" must be a real calendar date in YYYY-MM-DD');
      expect(await messages('startDate=2026-01-01')).toBe('"endDate" is required when "startDate" is given');
      expect(await messages('startDate=2026-02-01&endDate=2026-01-31')).toBe('"startDate" must not be after "endDate"');
      expect(await messages(`localeIds=${ids(101)}`)).toBe('"localeIds" must list at most 100 ids');
      expect(await messages('localeIds=1&localeIds=2')).toBe('"localeIds" must be given once, as text');
      expect(await messages('tier=6')).toBe('"tier" must be a comma-separated list of integers 0-5');
      expect(await messages('salesman=0')).toBe('"salesman" must be a positive integer');
      expect(await messages('stage=nope')).toBe('"stage" must be customer_lost, won, in_recharge or the name of a pipeline stage');
      expect(await messages('foo=1')).toBe('"foo" is not a parameter of this endpoint');
    });

    it.each([
      ['tier=', 'an empty value is absent'],
      ['localeIds=&salesman=&tier=&stage=&product=&startDate=&endDate=', 'every parameter empty'],
      ['startDate=2024-02-29&endDate=2024-02-29', 'a leap day'],
      ['startDate=2026-04-01&endDate=2026-04-01', 'a one-day range'],
      [`localeIds=${ids(100)}`, '100 locale ids'],
      ['localeIds=3,1,3', 'duplicate locale ids'],
      ['localeIds=007', 'leading zeros'],
      ['tier=0,5,5', 'tiers with a duplicate'],
      ['salesman=2147483647', 'a large salesman id'],
      ['stage=won', 'an outcome stage'],
      ['stage=customer_lost', 'the lost stage'],
      ['stage=in_recharge', 'the recharge stage'],
      ['stage=negociacion', 'a pipeline stage'],
      [`product=${longText(128)}`, 'a 128-character product'],
      [`product=${encodeURIComponent('😀'.repeat(128))}`, '128 characters outside the BMP'],
      [`product=${encodeURIComponent('ñ'.repeat(128))}`, '128 characters of two bytes'],
    ])('200 for %s (%s)', async (query) => {
      const response = await getAnalytics(server, query);
      expect(response.statusCode, response.payload).toBe(200);
    });

    it('knows a stage added to crm_stages a moment ago', async () => {
      expect((await getAnalytics(server, 'stage=cierre')).statusCode).toBe(422);
      await insertStages(app.database.db, [['cierre', 'success']]);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await getAnalytics(server, 'stage=cierre')).statusCode).toBe(200);
    });
  });

  it('answers a standard 500 when the database fails, the stage lookup included', async () => {
    const broken = await createTestApplication(target);
    try {
      const brokenServer = await createServer(broken);
      await broken.database.close();
      for (const query of ['', 'stage=contactado']) {
        const response = await getAnalytics(brokenServer, query);
        expect(response.statusCode).toBe(500);
        expect(JSON.parse(response.payload)).toStrictEqual({
          statusCode: 500,
          error: 'Internal Server Error',
          message: 'An internal server error occurred',
        });
      }
    } finally {
      await broken.dispose();
    }
  });

  describe('response', () => {
    it('matches the documented schema and carries X-Analytics-Source', async () => {
      const response = await getAnalytics(server, 'startDate=2026-04-01&endDate=2026-04-30&localeIds=1');
      const payload = payloadOf(response);
      expect(analyticsPayloadSchema.validate(payload, { presence: 'required' }).error).toBeUndefined();
      expect(response.headers['x-analytics-source']).toBe(payload.meta.source);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['cache-control']).toBe('private, no-cache');
    });

    it('publishes an OpenAPI document generated from the routes, and its documentation page', async () => {
      // The documentation page's routes are added when the server initialises (as `start` does).
      await server.initialize();
      const document = await server.inject({ method: 'GET', url: '/openapi.json' });
      expect(document.statusCode).toBe(200);
      const openapi = JSON.parse(document.payload) as {
        openapi: string;
        paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
      };
      expect(openapi.openapi).toBe('3.0.0');
      const operation = openapi.paths['/prospects/client-analytics']?.get;
      expect(operation?.parameters?.map((parameter) => parameter.name).sort()).toStrictEqual(
        ['endDate', 'localeIds', 'product', 'salesman', 'stage', 'startDate', 'tier'],
      );
      expect(Object.keys(operation?.responses ?? {}).sort()).toStrictEqual(['200', '304', '401', '403', '422', '500']);
      const page = await server.inject({ method: 'GET', url: '/documentation' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
    });
  });
});
