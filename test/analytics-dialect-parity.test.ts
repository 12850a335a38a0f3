import type { Server } from '@hapi/hapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/server.js';
import { NOW, STAGES, leadsArb, queryArb, queryString } from './support/analytics-arbitraries.js';
import { getAnalytics, insertLeads, insertStages, insertSyncRun } from './support/analytics-fixtures.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * The same leads in every dialect must give the same bytes: counts, USD sums (decimal division
 * differs between MySQL, PostgreSQL and SQLite's doubles), text sort orders (collations differ),
 * datetimes with and without milliseconds.
 */
const targets = testDialects();

describe.skipIf(targets.length < 2)(`byte-identical payloads on ${targets.map((target) => target.dialect).join(', ')}`, () => {
  const servers: { dialect: string; app: TestApplication; server: Server }[] = [];
  // One fixed sample: 2,000 leads in 2026-01 … 2026-04, and 40 queries.
  const leads = fc.sample(leadsArb(2_000).filter((sample) => sample.length >= 1_500), { seed: 20260417, numRuns: 1 })[0] ?? [];
  const queries = ['', 'startDate=2026-01-01&endDate=2026-04-17', 'stage=won', 'stage=customer_lost'].concat(
    fc.sample(queryArb, { seed: 7, numRuns: 36 }).map(queryString),
  );

  beforeAll(async () => {
    for (const target of targets) {
      const app = await createTestApplication(target, { clock: () => NOW });
      await insertStages(app.database.db, STAGES);
      await insertLeads(app.database.db, leads);
      await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:58' });
      servers.push({ dialect: target.dialect, app, server: await createServer(app) });
    }
  });
  afterAll(async () => {
    for (const { app, server } of servers) {
      await server.stop();
      await app.dispose();
    }
  });

  it('gives every query the same response body on every dialect', async () => {
    expect(leads.length).toBeGreaterThanOrEqual(1_500);
    for (const query of queries) {
      const bodies = new Map<string, string>();
      for (const { dialect, server } of servers) {
        const response = await getAnalytics(server, query);
        expect(response.statusCode, `${dialect} ${query}: ${response.payload}`).toBe(200);
        bodies.set(dialect, response.payload);
      }
      // each query is asked once per dialect: every body is computed live, meta included
      const [first, ...others] = [...bodies];
      for (const [dialect, body] of others) expect(body, `${dialect} vs ${first?.[0]} for "${query}"`).toBe(first?.[1]);
    }
  });
});
