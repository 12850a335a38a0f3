import type { Server } from '@hapi/hapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDbDateTime } from '../src/db/datetime.js';
import { DEMO_PRODUCTS, DEMO_STAGES } from '../src/demo/crm-catalog.js';
import { seedDemoCrm } from '../src/demo/seed-demo-crm.js';
import { presetRanges, todayInZone } from '../src/domain/presets.js';
import { createServer } from '../src/http/server.js';
import { getAnalytics } from './support/analytics-fixtures.js';
import { readLeads } from './support/mirrored-crm.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * Issue #5: the same CRM, written into every dialect and synced there, gives the same
 * `crm_analytics_leads` and byte-identical payloads. Only the watermark (`meta.data_as_of`) may
 * differ: it is each database server's own clock.
 */
const targets = testDialects();
const NOW = Date.parse('2026-06-15T10:00:00Z');
const ANCHOR = Date.parse('2026-06-15T00:00:00Z');

const queryArb = fc
  .record(
    {
      range: fc
        .tuple(fc.integer({ min: 0, max: 1100 }), fc.integer({ min: 0, max: 400 }))
        .map(([startAgo, length]) => {
          const start = ANCHOR - startAgo * 86_400_000;
          const end = Math.min(ANCHOR, start + length * 86_400_000);
          return `startDate=${new Date(start).toISOString().slice(0, 10)}&endDate=${new Date(end).toISOString().slice(0, 10)}`;
        }),
      localeIds: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 }).map((ids) => `localeIds=${ids.join(',')}`),
      salesman: fc.integer({ min: 1, max: 30 }).map((id) => `salesman=${id}`),
      tier: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }).map((tiers) => `tier=${tiers.join(',')}`),
      stage: fc.constantFrom('won', 'customer_lost', 'in_recharge', ...DEMO_STAGES.map((stage) => stage.name)).map((stage) => `stage=${stage}`),
      product: fc.constantFrom(...DEMO_PRODUCTS.map((product) => product.tag)).map((product) => `product=${product}`),
    },
    { requiredKeys: [] },
  )
  .map((parts) => Object.values(parts).join('&'));

function withoutWatermark(payload: string): string {
  return payload.replace(/"data_as_of":("[^"]*"|null)/, '"data_as_of":"…"');
}

describe.skipIf(targets.length < 2)(`one CRM synced into ${targets.map((target) => target.dialect).join(', ')}`, () => {
  const instances: { dialect: string; app: TestApplication; server: Server }[] = [];
  const presets = presetRanges(todayInZone(NOW, 'UTC')).map(({ startDate, endDate }) => `startDate=${startDate}&endDate=${endDate}`);
  const queries = ['', 'localeIds=3,1', ...presets, ...fc.sample(queryArb, { seed: 515, numRuns: 40 })];

  beforeAll(async () => {
    // One instant for every dialect, within the lookback of each one's next run.
    const changedAt = formatDbDateTime(Date.now());
    for (const target of targets) {
      const app = await createTestApplication(target, { clock: () => NOW });
      await seedDemoCrm(app.database, { leads: 1500, seed: 11, now: ANCHOR });
      await app.sync.run();
      // Changes between runs, the same everywhere: a re-assignment that updated_at shows, a new
      // follow-up that moves a lead to won, a soft delete, a disqualification.
      await app.database.db.updateTable('companies').set({ salesman_id: 3, updated_at: changedAt }).where('id', 'in', [1, 2, 3]).execute();
      await app.database.db
        .insertInto('follow_up_data')
        .values({ company_id: 4, stage_id: 6, product: 'packageContent.toys', monthly_shipments: 12, account_value: 1234.56, is_won: 1, is_lost: 0, won_at: changedAt, created_at: changedAt })
        .execute();
      await app.database.db.updateTable('companies').set({ deleted_at: changedAt }).where('id', '=', 5).execute();
      await app.database.db.updateTable('prospection_users').set({ is_disqualified: 1, updated_at: changedAt }).where('id', '=', 1).execute();
      await app.sync.run();
      instances.push({ dialect: target.dialect, app, server: await createServer(app) });
    }
  });
  afterAll(async () => {
    for (const { app, server } of instances) {
      await server.stop();
      await app.dispose();
    }
  });

  it('builds the same crm_analytics_leads everywhere', async () => {
    const [first, ...others] = instances;
    if (first === undefined) throw new Error('no dialect');
    const expected = await readLeads(first.app.database);
    expect(expected.length).toBeGreaterThan(1400);
    for (const other of others) expect(await readLeads(other.app.database), `${other.dialect} vs ${first.dialect}`).toEqual(expected);
  });

  it('answers every query with the same bytes everywhere', async () => {
    for (const query of queries) {
      const bodies: [string, string][] = [];
      for (const { dialect, server } of instances) {
        const response = await getAnalytics(server, query);
        expect(response.statusCode, `${dialect} ${query}: ${response.payload}`).toBe(200);
        bodies.push([dialect, withoutWatermark(response.payload)]);
      }
      const [[firstDialect, firstBody], ...others] = bodies as [[string, string], ...[string, string][]];
      for (const [dialect, body] of others) expect(body, `${dialect} vs ${firstDialect} for "${query}"`).toBe(firstBody);
    }
  });
});
