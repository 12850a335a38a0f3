import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/server.js';
import {
  bodyOf,
  clearAnalytics,
  getAnalytics,
  insertLeads,
  insertStages,
  insertSyncRun,
  leadRow,
  payloadOf,
} from './support/analytics-fixtures.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';
import { ALL_EXECUTIVES, NOW, TWELVE_LEADS } from './support/twelve-lead-dataset.js';

/** The payload of the hand-made twelve-lead dataset (test/support/twelve-lead-dataset.ts), field by field. */
describe.each(testDialects())('analytics payload on $dialect', (target) => {
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
  describe('the twelve-lead dataset', () => {
    beforeEach(async () => {
      await insertLeads(app.database.db, TWELVE_LEADS.map(leadRow));
      await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:58:00' });
    });

    it('computes every field for a date range, against the previous period', async () => {
      const response = await getAnalytics(server, 'startDate=2026-04-01&endDate=2026-04-10');
      expect(response.headers['x-analytics-source']).toBe('live');
      expect(payloadOf(response)).toStrictEqual({
        kpis: {
          // R: c1 c2 c3 p1 c4 p2 c8 c9 (c5 at 04-11 00:00 is past the end; p2 at 23:59:59.999 is in). P: c6 p3.
          total_leads: { current: 8, previous: 2 },
          // 10+5+0+3+2+0+0+0 ; 4+2
          total_shipments: { current: 20, previous: 6 },
          // (1000+1000+500+30+100+100+500+100)/20 = 3330/20 = 166.5 ; (400.03+2)/6 = 67.005 → 67.01 (half away from zero)
          avg_shipment_cost: { current: 166.5, previous: 67.01 },
          // c4 (won then lost), p2 ; p3
          total_lost: { current: 2, previous: 1 },
        },
        extra_kpis: {
          // won_at in R: c2 (6 days), c4 (4), c7 (94, created in January); c8 won 04-12 is out: 104/3 = 34.67
          avg_closing_days: 34.7,
          // won bucket c2 c8, in_recharge bucket c3: 3/8 = 37.5 %
          advancement_rate: 37.5,
          // literal flags: c3 and c4 (c4 is lost, still counted); c1 and c2 also shipped
          in_recharge: 2,
        },
        // ties on count sort by name: contactado < customer_lost < won, in_recharge < propuesta
        sales_funnel: [
          { stage_name: 'contactado', count: 2, percentage: 25 },
          { stage_name: 'customer_lost', count: 2, percentage: 25 },
          { stage_name: 'won', count: 2, percentage: 25 },
          { stage_name: 'in_recharge', count: 1, percentage: 12.5 },
          { stage_name: 'propuesta', count: 1, percentage: 12.5 },
        ],
        outcome_summary: { won: 2, lost: 2, in_recharge: 1, remaining: 3 },
        // every salesman with a lead anywhere (dates ignored): Zoe only has p3, in P
        by_executive: ALL_EXECUTIVES,
        by_executive_stage: [
          { id: 8, name: 'Carlos Ruiz', won: 2, lost: 0, remaining: 1, total: 3 },
          // total and name tie: id ascending
          { id: 3, name: 'Ana Gomez', won: 0, lost: 1, remaining: 1, total: 2 },
          { id: 5, name: 'Ana Gomez', won: 0, lost: 1, remaining: 1, total: 2 },
          { id: null, name: null, won: 0, lost: 0, remaining: 1, total: 1 },
        ],
        // open leads of R: c1 (T2), c3 (-), p1 (-), c9 (T1)
        by_tier: [
          { tier_label: '', count: 2 },
          { tier_label: 'T1', count: 1 },
          { tier_label: 'T2', count: 1 },
        ],
        // electronics c1 c2 c8; clothing c3 c4; books c9 and food p2 tie at 100: name ascending
        by_product: [
          { product_name: 'packageContent.electronics', lead_count: 3, total_value: 2500 },
          { product_name: 'packageContent.clothing', lead_count: 2, total_value: 600 },
          { product_name: 'packageContent.books', lead_count: 1, total_value: 100 },
          { product_name: 'packageContent.food', lead_count: 1, total_value: 100 },
        ],
        // open leads of R by created_at; c3 and p1 tie at 04-03 12:00: company before prospect
        active_leads: [
          { record_id: 1, record_type: 'company', name: 'Acme', salesman: 'Ana Gomez', tier_label: 'T2', stage_name: 'contactado', stage_color: 'primary', age_days: 16 },
          { record_id: 3, record_type: 'company', name: 'Crux', salesman: 'Carlos Ruiz', tier_label: '', stage_name: 'in_recharge', stage_color: 'info', age_days: 14 },
          { record_id: 1, record_type: 'prospect', name: 'Delta', salesman: null, tier_label: '', stage_name: 'contactado', stage_color: 'primary', age_days: 14 },
          { record_id: 9, record_type: 'company', name: 'Lima', salesman: 'Ana Gomez', tier_label: 'T1', stage_name: 'propuesta', stage_color: 'dark', age_days: 10 },
        ],
        meta: { source: 'live', computed_at: '2026-04-17T12:00:00.000Z', data_as_of: '2026-04-17T10:58:00.000Z' },
      });
    });

    it('computes every field over all time when there is no date range (previous is null)', async () => {
      expect(bodyOf(await getAnalytics(server))).toStrictEqual({
        kpis: {
          total_leads: { current: 12, previous: null },
          // 10+5+0+3+2+0+1+4+2+0+0+0
          total_shipments: { current: 27, previous: null },
          // 3832.03 / 27 = 141.927
          avg_shipment_cost: { current: 141.93, previous: null },
          total_lost: { current: 3, previous: null },
        },
        extra_kpis: {
          // every lead with won_at: c2 6, c4 4, c7 94, c8 6 → 110/4
          avg_closing_days: 27.5,
          // won c2 c7 c8 + in_recharge c3 = 4/12
          advancement_rate: 33.3,
          in_recharge: 2,
        },
        sales_funnel: [
          { stage_name: 'contactado', count: 4, percentage: 33.3 },
          { stage_name: 'customer_lost', count: 3, percentage: 25 },
          { stage_name: 'won', count: 3, percentage: 25 },
          { stage_name: 'in_recharge', count: 1, percentage: 8.3 },
          { stage_name: 'propuesta', count: 1, percentage: 8.3 },
        ],
        outcome_summary: { won: 3, lost: 3, in_recharge: 1, remaining: 5 },
        by_executive: ALL_EXECUTIVES,
        by_executive_stage: [
          { id: 5, name: 'Ana Gomez', won: 1, lost: 1, remaining: 2, total: 4 },
          { id: 8, name: 'Carlos Ruiz', won: 2, lost: 0, remaining: 2, total: 4 },
          { id: 3, name: 'Ana Gomez', won: 0, lost: 1, remaining: 1, total: 2 },
          // total tie: the unassigned entry (null name) comes last
          { id: 9, name: 'Zoe Vega', won: 0, lost: 1, remaining: 0, total: 1 },
          { id: null, name: null, won: 0, lost: 0, remaining: 1, total: 1 },
        ],
        by_tier: [
          { tier_label: '', count: 2 },
          { tier_label: 'T0', count: 1 },
          { tier_label: 'T1', count: 1 },
          { tier_label: 'T2', count: 1 },
          { tier_label: 'T3', count: 1 },
        ],
        by_product: [
          { product_name: 'packageContent.electronics', lead_count: 4, total_value: 2900.03 },
          { product_name: 'packageContent.clothing', lead_count: 2, total_value: 600 },
          { product_name: 'packageContent.food', lead_count: 2, total_value: 200 },
          { product_name: 'packageContent.books', lead_count: 1, total_value: 100 },
        ],
        active_leads: [
          { record_id: 6, record_type: 'company', name: 'Hotel', salesman: 'Carlos Ruiz', tier_label: 'T3', stage_name: 'contactado', stage_color: 'primary', age_days: 23 },
          { record_id: 1, record_type: 'company', name: 'Acme', salesman: 'Ana Gomez', tier_label: 'T2', stage_name: 'contactado', stage_color: 'primary', age_days: 16 },
          { record_id: 3, record_type: 'company', name: 'Crux', salesman: 'Carlos Ruiz', tier_label: '', stage_name: 'in_recharge', stage_color: 'info', age_days: 14 },
          { record_id: 1, record_type: 'prospect', name: 'Delta', salesman: null, tier_label: '', stage_name: 'contactado', stage_color: 'primary', age_days: 14 },
          { record_id: 9, record_type: 'company', name: 'Lima', salesman: 'Ana Gomez', tier_label: 'T1', stage_name: 'propuesta', stage_color: 'dark', age_days: 10 },
          { record_id: 5, record_type: 'company', name: 'Golf', salesman: 'Ana Gomez', tier_label: 'T0', stage_name: 'contactado', stage_color: 'primary', age_days: 6 },
        ],
      });
    });

    it('stage=won keeps won leads in by_tier and active_leads, and leaves won-then-lost out', async () => {
      expect(bodyOf(await getAnalytics(server, 'stage=won'))).toStrictEqual({
        kpis: {
          total_leads: { current: 3, previous: null },
          total_shipments: { current: 5, previous: null },
          // (1000 + 0 + 500) / 5
          avg_shipment_cost: { current: 300, previous: null },
          total_lost: { current: 0, previous: null },
        },
        // c2 6, c7 94, c8 6 → 106/3 = 35.33; c4 (won, then lost) is not in stage=won
        extra_kpis: { avg_closing_days: 35.3, advancement_rate: 100, in_recharge: 0 },
        sales_funnel: [{ stage_name: 'won', count: 3, percentage: 100 }],
        outcome_summary: { won: 3, lost: 0, in_recharge: 0, remaining: 0 },
        by_executive: ALL_EXECUTIVES,
        by_executive_stage: [
          { id: 8, name: 'Carlos Ruiz', won: 2, lost: 0, remaining: 0, total: 2 },
          { id: 5, name: 'Ana Gomez', won: 1, lost: 0, remaining: 0, total: 1 },
        ],
        by_tier: [
          { tier_label: 'T1', count: 1 },
          { tier_label: 'T4', count: 1 },
          { tier_label: 'T5', count: 1 },
        ],
        by_product: [{ product_name: 'packageContent.electronics', lead_count: 2, total_value: 1500 }],
        active_leads: [
          { record_id: 7, record_type: 'company', name: 'Juliet', salesman: 'Ana Gomez', tier_label: 'T4', stage_name: 'won', stage_color: 'success', age_days: 106 },
          { record_id: 2, record_type: 'company', name: 'Bolt', salesman: 'Carlos Ruiz', tier_label: 'T1', stage_name: 'won', stage_color: 'success', age_days: 15 },
          { record_id: 8, record_type: 'company', name: 'Kilo', salesman: 'Carlos Ruiz', tier_label: 'T5', stage_name: 'won', stage_color: 'success', age_days: 11 },
        ],
      });
    });

    it('stage=customer_lost keeps lost leads, won-then-lost included', async () => {
      const body = bodyOf(await getAnalytics(server, 'stage=customer_lost'));
      expect(body.kpis.total_leads).toStrictEqual({ current: 3, previous: null });
      expect(body.kpis.total_lost).toStrictEqual({ current: 3, previous: null });
      // c4 is the only lost lead with a won_at: 4 days
      expect(body.extra_kpis).toStrictEqual({ avg_closing_days: 4, advancement_rate: 0, in_recharge: 1 });
      expect(body.outcome_summary).toStrictEqual({ won: 0, lost: 3, in_recharge: 0, remaining: 0 });
      expect(body.by_tier).toStrictEqual([
        { tier_label: '', count: 2 },
        { tier_label: 'T2', count: 1 },
      ]);
      expect(body.active_leads).toStrictEqual([
        { record_id: 3, record_type: 'prospect', name: 'India', salesman: 'Zoe Vega', tier_label: '', stage_name: 'customer_lost', stage_color: 'danger', age_days: 16 },
        { record_id: 4, record_type: 'company', name: 'Echo', salesman: 'Ana Gomez', tier_label: 'T2', stage_name: 'customer_lost', stage_color: 'danger', age_days: 12 },
        { record_id: 2, record_type: 'prospect', name: 'Foxtrot', salesman: 'Ana Gomez', tier_label: '', stage_name: 'customer_lost', stage_color: 'danger', age_days: 6 },
      ]);
    });

    it('a pipeline stage filter matches the virtual stage, not the stored stage name', async () => {
      // negociacion is stored on c2, p2, p3, c8 — all won or lost, so no lead is in the virtual stage
      const body = bodyOf(await getAnalytics(server, 'stage=negociacion'));
      expect(body.kpis.total_leads.current).toBe(0);
      const recharge = bodyOf(await getAnalytics(server, 'stage=in_recharge'));
      expect(recharge.active_leads.map((lead) => lead.name)).toStrictEqual(['Crux']);
      expect(recharge.sales_funnel).toStrictEqual([{ stage_name: 'in_recharge', count: 1, percentage: 100 }]);
    });

    it('by_executive follows localeIds only, whatever the other filters', async () => {
      const locale2 = bodyOf(await getAnalytics(server, 'localeIds=2&startDate=2026-01-01&endDate=2026-01-01&salesman=5&tier=0&product=x'));
      // locale 2 holds c2 (Carlos), c4 (Ana 3), c8 (Carlos); every other filter matches nothing here
      expect(locale2.by_executive).toStrictEqual([
        { id: 3, name: 'Ana Gomez' },
        { id: 8, name: 'Carlos Ruiz' },
      ]);
      expect(locale2.kpis.total_leads.current).toBe(0);
      expect(bodyOf(await getAnalytics(server, 'salesman=9&stage=won')).by_executive).toStrictEqual(ALL_EXECUTIVES);
    });

    it('combines salesman, tier, product and locale filters', async () => {
      // Carlos's leads with tier 1 or 3 in electronics: c2 (T1, won) and c6 (T3, open)
      const body = bodyOf(await getAnalytics(server, 'salesman=8&tier=1,3&product=packageContent.electronics'));
      expect(body.kpis.total_leads.current).toBe(2);
      expect(body.by_product).toStrictEqual([{ product_name: 'packageContent.electronics', lead_count: 2, total_value: 1400.03 }]);
      expect(body.active_leads.map((lead) => [lead.record_type, lead.record_id])).toStrictEqual([['company', 6]]);
      // a lead without a tier never matches a tier filter
      expect(bodyOf(await getAnalytics(server, 'tier=0,1,2,3,4,5')).kpis.total_leads.current).toBe(8);
      // locales 2 and 3: c2 c4 c8 p2 p3
      expect(bodyOf(await getAnalytics(server, 'localeIds=3,2')).kpis.total_leads.current).toBe(5);
    });

    it('a range with no lead gives zeros and nulls, by_executive still listing', async () => {
      expect(bodyOf(await getAnalytics(server, 'startDate=2025-06-01&endDate=2025-06-30'))).toStrictEqual({
        kpis: {
          total_leads: { current: 0, previous: 0 },
          total_shipments: { current: 0, previous: 0 },
          avg_shipment_cost: { current: null, previous: null },
          total_lost: { current: 0, previous: 0 },
        },
        extra_kpis: { avg_closing_days: null, advancement_rate: 0, in_recharge: 0 },
        sales_funnel: [],
        outcome_summary: { won: 0, lost: 0, in_recharge: 0, remaining: 0 },
        by_executive: ALL_EXECUTIVES,
        by_executive_stage: [],
        by_tier: [],
        by_product: [],
        active_leads: [],
      });
    });
  });

});
