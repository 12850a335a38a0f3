import type { Server } from '@hapi/hapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsPayload } from '../src/domain/analytics-payload.js';
import { roundHalfAwayFromZero } from '../src/domain/rounding.js';
import { createServer } from '../src/http/server.js';
import { NOW, STAGES, leadsArb, queryArb, queryString } from './support/analytics-arbitraries.js';
import { clearAnalytics, getAnalytics, insertLeads, insertStages, payloadOf, type LeadRow } from './support/analytics-fixtures.js';
import { referencePayload, type ReferenceQuery } from './support/reference-analytics.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

function checkInvariants(payload: AnalyticsPayload, query: ReferenceQuery): void {
  const total = payload.kpis.total_leads.current;
  const { won, lost, in_recharge, remaining } = payload.outcome_summary;
  expect(won + lost + in_recharge + remaining).toBe(total);
  expect(payload.sales_funnel.reduce((sum, entry) => sum + entry.count, 0)).toBe(total);
  for (const entry of payload.sales_funnel) {
    expect(entry.count).toBeGreaterThan(0);
    expect(entry.percentage).toBe(roundHalfAwayFromZero((entry.count / total) * 100, 1));
  }
  expect(payload.by_executive_stage.reduce((sum, entry) => sum + entry.total, 0)).toBe(total);
  expect(payload.by_executive_stage.reduce((sum, entry) => sum + entry.won, 0)).toBe(won);
  expect(payload.by_executive_stage.reduce((sum, entry) => sum + entry.lost, 0)).toBe(lost);
  for (const entry of payload.by_executive_stage) expect(entry.won + entry.lost + entry.remaining).toBe(entry.total);
  const lifted = query.stage === 'won' || query.stage === 'customer_lost';
  const tierTotal = payload.by_tier.reduce((sum, entry) => sum + entry.count, 0);
  expect(tierTotal).toBe(lifted ? total : total - won - lost);
  expect(payload.active_leads).toHaveLength(Math.min(100, tierTotal));
  expect(payload.by_product.reduce((sum, entry) => sum + entry.lead_count, 0)).toBeLessThanOrEqual(total);
  expect(payload.extra_kpis.in_recharge).toBeGreaterThanOrEqual(in_recharge);
  expect(payload.extra_kpis.advancement_rate).toBe(total === 0 ? 0 : roundHalfAwayFromZero(((won + in_recharge) / total) * 100, 1));
  expect(payload.kpis.total_lost.current).toBe(lost);
  expect(payload.kpis.total_leads.previous === null).toBe(query.startDate === undefined);
  expect(payload.kpis.avg_shipment_cost.current === null).toBe(payload.kpis.total_shipments.current === 0);
}

describe.each(testDialects())('analytics properties on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => NOW });
    server = await createServer(app);
    await insertStages(app.database.db, STAGES);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });

  it('matches a naive reading of the SPEC and keeps its invariants, for random leads and filters', async () => {
    await fc.assert(
      fc.asyncProperty(leadsArb(), fc.array(queryArb, { minLength: 1, maxLength: 4 }), async (leads: LeadRow[], queries) => {
        await app.database.db.deleteFrom('crm_analytics_leads').execute();
        await insertLeads(app.database.db, leads);
        for (const query of queries) {
          const payload = payloadOf(await getAnalytics(server, queryString(query)));
          checkInvariants(payload, query);
          const { meta: _meta, ...body } = payload;
          expect(body).toStrictEqual(referencePayload(leads, query, NOW));
        }
      }),
      { numRuns: target.dialect === 'sqlite' ? 100 : 40 },
    );
    await clearAnalytics(app.database.db);
  });
});
