import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/server.js';
import {
  bodyOf,
  clearAnalytics,
  getAnalytics,
  insertLeads,
  insertStages,
  leadRow,
  payloadOf,
  type LeadFixture,
} from './support/analytics-fixtures.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';
import { NOW } from './support/twelve-lead-dataset.js';

/**
 * Hand-made cases around the edges of SPEC §3–5: an empty table, rounding, the order of
 * active_leads, time zones and renames. Every expected value is worked out by hand.
 */
describe.each(testDialects())('analytics payload edges on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => NOW });
    server = await createServer(app);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });
  beforeEach(async () => {
    await clearAnalytics(app.database.db);
    await insertStages(app.database.db, [
      ['contactado', 'primary'],
      ['negociacion', 'warning'],
      ['propuesta', 'dark'],
    ]);
  });

  it('an empty table gives an empty payload, and data_as_of is null before the first sync', async () => {
    const payload = payloadOf(await getAnalytics(server));
    expect(payload).toStrictEqual({
      kpis: {
        total_leads: { current: 0, previous: null },
        total_shipments: { current: 0, previous: null },
        avg_shipment_cost: { current: null, previous: null },
        total_lost: { current: 0, previous: null },
      },
      extra_kpis: { avg_closing_days: null, advancement_rate: 0, in_recharge: 0 },
      sales_funnel: [],
      outcome_summary: { won: 0, lost: 0, in_recharge: 0, remaining: 0 },
      by_executive: [],
      by_executive_stage: [],
      by_tier: [],
      by_product: [],
      active_leads: [],
      meta: { source: 'live', computed_at: '2026-04-17T12:00:00.000Z', data_as_of: null },
    });
  });

  it('rounds half away from zero everywhere', async () => {
    const db = app.database.db;
    const leads: LeadFixture[] = [
      // 1.00 at rate 8 = 0.125 USD, one shipment: avg_shipment_cost and total_value 0.125 → 0.13
      { id: 1, product: 'packageContent.toys', rate: 8, locale: 4, value: 1, shipments: 1, created: '2026-04-01 00:00' },
      // won the day it was created: closing 0
      { id: 2, won: true, wonAt: '2026-04-02 10:00', created: '2026-04-02 00:00' },
      // three lost after a win: closing 0, 0, 1 → with the above 1/4 = 0.25 → 0.3
      { id: 3, won: true, lost: true, wonAt: '2026-04-03 00:00', created: '2026-04-03 00:00' },
      { id: 4, won: true, lost: true, wonAt: '2026-04-03 23:59', created: '2026-04-03 00:00' },
      { id: 5, won: true, lost: true, wonAt: '2026-04-04 00:00', created: '2026-04-03 00:00' },
    ];
    // 11 more open leads: 16 in all. won 1/16 = 6.25 → 6.3; lost 3/16 = 18.75 → 18.8; open 12/16 = 75
    for (let id = 6; id <= 16; id += 1) leads.push({ id, created: '2026-04-05 00:00' });
    await insertLeads(db, leads.map(leadRow));
    const body = bodyOf(await getAnalytics(server));
    expect(body.kpis.avg_shipment_cost.current).toBe(0.13);
    expect(body.by_product).toStrictEqual([{ product_name: 'packageContent.toys', lead_count: 1, total_value: 0.13 }]);
    expect(body.extra_kpis).toStrictEqual({ avg_closing_days: 0.3, advancement_rate: 6.3, in_recharge: 0 });
    expect(body.sales_funnel).toStrictEqual([
      { stage_name: 'contactado', count: 12, percentage: 75 },
      { stage_name: 'customer_lost', count: 3, percentage: 18.8 },
      { stage_name: 'won', count: 1, percentage: 6.3 },
    ]);
  });

  it('lists the 100 oldest open leads: created_at, then company before prospect, then id', async () => {
    const leads: LeadFixture[] = [];
    // 70 prospects and 60 companies, all created at the same instant, ids interleaved on insert
    for (let id = 1; id <= 70; id += 1) leads.push({ type: 'prospect', id, created: '2026-04-10 08:00' });
    for (let id = 60; id >= 1; id -= 1) leads.push({ id, created: '2026-04-10 08:00' });
    // older, but won or lost: never in the default table
    leads.push({ id: 100, won: true, wonAt: '2026-04-01 00:00', created: '2026-03-01 00:00' });
    leads.push({ id: 101, lost: true, created: '2026-03-01 00:00' });
    // the oldest open lead, and one a millisecond after the crowd
    leads.push({ type: 'prospect', id: 500, created: '2026-04-09 08:00' });
    leads.push({ id: 501, created: '2026-04-10T08:00:00.001Z' });
    await insertLeads(app.database.db, leads.map(leadRow));

    const active = bodyOf(await getAnalytics(server)).active_leads;
    const expected = [
      ['prospect', 500],
      ...Array.from({ length: 60 }, (_, index) => ['company', index + 1]),
      ...Array.from({ length: 39 }, (_, index) => ['prospect', index + 1]),
    ];
    expect(active).toHaveLength(100);
    expect(active.map((lead) => [lead.record_type, lead.record_id])).toStrictEqual(expected);
    expect(active[0]).toStrictEqual({
      record_id: 500,
      record_type: 'prospect',
      name: 'Lead prospect 500',
      salesman: null,
      tier_label: '',
      stage_name: 'contactado',
      stage_color: 'primary',
      age_days: 8,
    });
    expect(active[1]?.age_days).toBe(7);
  });

  it('reads dates in CRM_TIMEZONE (America/Mexico_City, UTC−6) and turns them into UTC instants', async () => {
    const zoned = await createTestApplication(target, { clock: () => NOW, env: { CRM_TIMEZONE: 'America/Mexico_City' } });
    try {
      const zonedServer = await createServer(zoned);
      await insertLeads(
        zoned.database.db,
        [
          // 2026-03-31 23:59:59 local: the previous period
          { id: 1, created: '2026-04-01T05:59:59Z' },
          // 2026-04-01 00:00 local: first instant of the day
          { id: 2, created: '2026-04-01T06:00:00Z' },
          // 2026-04-01 23:59:59.999 local: last instant of the day
          { id: 3, created: '2026-04-02T05:59:59.999Z' },
          // 2026-04-02 00:00 local: the next day
          { id: 4, created: '2026-04-02T06:00:00Z' },
          // won 2026-04-01 23:30 local (04-02 05:30 UTC), created 04-01 00:00 UTC: in by won_at only
          { id: 5, won: true, wonAt: '2026-04-02T05:30:00Z', created: '2026-04-01T00:00:00Z' },
        ].map(leadRow),
      );
      const body = bodyOf(await getAnalytics(zonedServer, 'startDate=2026-04-01&endDate=2026-04-01'));
      // current: 2, 3 ; previous (03-31 local): 1 and 5 (04-01 00:00 UTC is 03-31 18:00 local)
      expect(body.kpis.total_leads).toStrictEqual({ current: 2, previous: 2 });
      expect(body.active_leads.map((lead) => lead.record_id)).toStrictEqual([2, 3]);
      // closing days of lead 5: floor(29.5 h) = 1
      expect(body.extra_kpis.avg_closing_days).toBe(1);
      await zonedServer.stop();
    } finally {
      await zoned.dispose();
    }
  });

  it('follows daylight saving time: 2026-03-08 in America/New_York lasts 23 hours', async () => {
    const zoned = await createTestApplication(target, { clock: () => NOW, env: { CRM_TIMEZONE: 'America/New_York' } });
    try {
      const zonedServer = await createServer(zoned);
      await insertLeads(
        zoned.database.db,
        [
          { id: 1, created: '2026-03-08T04:59:59Z' }, // 03-07 23:59:59 EST
          { id: 2, created: '2026-03-08T05:00:00Z' }, // 03-08 00:00 EST
          { id: 3, created: '2026-03-09T03:59:59Z' }, // 03-08 23:59:59 EDT
          { id: 4, created: '2026-03-09T04:00:00Z' }, // 03-09 00:00 EDT
        ].map(leadRow),
      );
      const body = bodyOf(await getAnalytics(zonedServer, 'startDate=2026-03-08&endDate=2026-03-08'));
      expect(body.kpis.total_leads).toStrictEqual({ current: 2, previous: 1 });
      await zonedServer.stop();
    } finally {
      await zoned.dispose();
    }
  });

  it('picks one name per salesman while a rename is rolling through the table', async () => {
    await insertLeads(
      app.database.db,
      [
        { id: 1, salesman: [5, 'Ana María Gomez'] as const, created: '2026-04-01 00:00' },
        { id: 2, salesman: [5, 'Ana Gomez'] as const, created: '2026-04-01 00:00' },
      ].map(leadRow),
    );
    const body = bodyOf(await getAnalytics(server));
    expect(body.by_executive).toStrictEqual([{ id: 5, name: 'Ana Gomez' }]);
    expect(body.by_executive_stage).toStrictEqual([{ id: 5, name: 'Ana Gomez', won: 0, lost: 0, remaining: 2, total: 2 }]);
  });
});

