import type { AuthenticationData } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken } from '../src/auth/tokens.js';
import { createServer } from '../src/http/server.js';
import { VerifiedTokenCache } from '../src/http/verified-token-cache.js';
import { createTestApplication, TEST_JWT_SECRET, testDialects, type TestApplication } from './support/test-application.js';

const data = (sub: string) => ({ credentials: { sub }, artifacts: {} }) as unknown as AuthenticationData;

describe('VerifiedTokenCache', () => {
  it('keeps a verified token until a second before its exp, never after', () => {
    const cache = new VerifiedTokenCache();
    cache.set('Bearer a', data('a'), 100);
    expect(cache.get('Bearer a', 98_999)?.credentials).toEqual({ sub: 'a' });
    expect(cache.get('Bearer a', 99_000)).toBeUndefined();
    expect(cache.get('Bearer a', 98_000)).toBeUndefined(); // dropped once seen expired
    expect(cache.get('Bearer other', 0)).toBeUndefined();
  });

  it('keeps a token without exp (cron) and stays within its capacity, the oldest going first', () => {
    const cache = new VerifiedTokenCache(3);
    for (const name of ['a', 'b', 'c', 'd']) cache.set(`Bearer ${name}`, data(name), undefined);
    expect(cache.size).toBe(3);
    expect(cache.get('Bearer a', Date.now())).toBeUndefined();
    expect(cache.get('Bearer d', Date.now() + 10 * 365 * 86_400_000)?.credentials).toEqual({ sub: 'd' });
  });
});

describe.each(testDialects().slice(0, 1))('verified tokens on the server ($dialect)', (target) => {
  let app: TestApplication;

  beforeAll(async () => {
    app = await createTestApplication(target);
  });
  afterAll(async () => app.dispose());

  it('refuses a token once it has expired, though it was accepted (and kept) before', async () => {
    const server = await createServer(app);
    const token = issueAdminToken(TEST_JWT_SECRET, { ttlSeconds: 2 });
    const get = () => server.inject({ method: 'GET', url: '/crm/analytics/filter-options', headers: { authorization: `Bearer ${token}` } });
    expect((await get()).statusCode).toBe(200);
    expect((await get()).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2600));
    const expired = await get();
    expect(expired.statusCode).toBe(401);
    expect(JSON.parse(expired.payload)).toMatchObject({ message: 'Token expired' });
  });

  it('still refuses a token that differs in its signature only, and one without the permission gets 403 on every call', async () => {
    const server = await createServer(app);
    const token = issueAdminToken(TEST_JWT_SECRET);
    const get = (authorization: string) => server.inject({ method: 'GET', url: '/crm/analytics/filter-options', headers: { authorization } });
    expect((await get(`Bearer ${token}`)).statusCode).toBe(200);
    const tampered = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await get(`Bearer ${tampered}`)).statusCode).toBe(401);
    const unprivileged = `Bearer ${issueAdminToken(TEST_JWT_SECRET, { permissions: [] })}`;
    expect((await get(unprivileged)).statusCode).toBe(403);
    expect((await get(unprivileged)).statusCode).toBe(403);
  });
});
