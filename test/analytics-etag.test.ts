import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rebuildCrmAnalyticsSnapshots } from '../src/analytics/rebuild-snapshots-job.js';
import { createServer } from '../src/http/server.js';
import { adminToken, ANALYTICS_URL, clearAnalytics, insertLeads, insertStages, insertSyncRun, instant, leadRow } from './support/analytics-fixtures.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

const SNAPSHOT_QUERY = 'startDate=2026-03-18&endDate=2026-04-17';
const LIVE_QUERY = 'startDate=2026-03-18&endDate=2026-04-17&salesman=5';

describe.each(testDialects())('ETag, revalidation and compressed answers on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;
  const now = instant('2026-04-17 12:00');

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => now });
    server = await createServer(app);
  });
  afterAll(async () => app.dispose());
  beforeEach(async () => {
    await clearAnalytics(app.database.db);
    await insertStages(app.database.db, [['contactado', 'primary']]);
    // Enough leads that the body is worth compressing (hapi compresses from 1 KiB).
    await insertLeads(
      app.database.db,
      Array.from({ length: 60 }, (_, index) =>
        leadRow({ id: index + 1, created: `2026-04-${String((index % 16) + 1).padStart(2, '0')} 00:00`, value: 100 + index, shipments: 1, salesman: [5, 'Ana'] as const }),
      ),
    );
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:58' });
    await rebuildCrmAnalyticsSnapshots(app.analytics);
  });

  const get = (query: string, headers: Record<string, string> = {}) =>
    server.inject({ method: 'GET', url: `${ANALYTICS_URL}?${query}`, headers: { authorization: `Bearer ${adminToken()}`, ...headers } });

  it.each([
    ['a snapshot', SNAPSHOT_QUERY, 'snapshot'],
    ['a live answer', LIVE_QUERY, 'live'],
  ])('serves %s with a strong ETag, private no-cache, Vary: Accept-Encoding, and a 304 to a matching If-None-Match', async (_case, query, source) => {
    const first = await get(query);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-analytics-source']).toBe(source);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(String(first.headers.vary)).toMatch(/accept-encoding/i);

    const again = await get(query, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.payload).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('private, no-cache');

    // Another body, another tag: a tag that does not match gets the whole answer.
    expect((await get(query, { 'if-none-match': '"something-else"' })).statusCode).toBe(200);
    const other = await get(`${query}&localeIds=2`);
    expect(other.statusCode).toBe(200);
    expect(other.headers.etag).not.toBe(etag);
  });

  it('changes the ETag when the data changes (a new generation)', async () => {
    const before = String((await get(SNAPSHOT_QUERY)).headers.etag);
    await insertLeads(app.database.db, [leadRow({ id: 500, created: '2026-04-10 00:00', value: 7, shipments: 3 })]);
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:59' });
    await rebuildCrmAnalyticsSnapshots(app.analytics);
    const after = await get(SNAPSHOT_QUERY, { 'if-none-match': before });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before);
  });

  it.each([
    ['a snapshot', SNAPSHOT_QUERY],
    ['a live answer', LIVE_QUERY],
  ])('sends %s br- and gzip-compressed bytes that decompress to the identity body, byte for byte', async (_case, query) => {
    const identity = await get(query, { 'accept-encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    const identityBytes = identity.rawPayload;
    expect(identityBytes.length).toBeGreaterThan(1024);

    const br = await get(query, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).equals(identityBytes)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(identityBytes.length);

    const gzip = await get(query, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).equals(identityBytes)).toBe(true);

    // Each coding has its own tag; any of them revalidates.
    expect(br.headers.etag).not.toBe(identity.headers.etag);
    for (const etag of [br.headers.etag, gzip.headers.etag, identity.headers.etag]) {
      expect((await get(query, { 'accept-encoding': 'gzip, deflate, br', 'if-none-match': String(etag) })).statusCode).toBe(304);
    }
  });

  it('compresses a snapshot once per generation, not per request', async () => {
    const first = await get(SNAPSHOT_QUERY, { 'accept-encoding': 'br' });
    const second = await get(SNAPSHOT_QUERY, { 'accept-encoding': 'br' });
    expect(first.headers['x-analytics-source']).toBe('snapshot');
    // The same bytes object would be invisible through inject; equal bytes and tags are what a client sees.
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    const served = await app.analytics.query({ dateRange: { startDate: '2026-03-18', endDate: '2026-04-17' } });
    const again = await app.analytics.query({ dateRange: { startDate: '2026-03-18', endDate: '2026-04-17' } });
    expect(served.body).not.toBeNull();
    expect(again.body).toBe(served.body);
    expect(await again.body!.encoded('br')).toBe(await served.body!.encoded('br'));
  });
});
