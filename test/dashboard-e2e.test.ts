/// <reference lib="dom" />
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken } from '../src/auth/tokens.js';
import type { AnalyticsPayload } from '../src/domain/analytics-payload.js';
import { presetRange, todayInZone, type SnapshotPresetKey } from '../src/domain/presets.js';
import { ARTIFACTS_DIRECTORY, chromiumAvailable, runCliSteps, skipNotice, startDashboardUnderTest, type DashboardUnderTest } from './support/dashboard-browser.js';
import { TEST_JWT_SECRET } from './support/test-application.js';

/**
 * End to end: a demo CRM seeded, synced and snapshotted through the command line, the real server
 * (analytics endpoint and all) serving the production build of the dashboard, headless Chromium
 * in front. Every figure on screen is checked against the payload the test fetches from the API
 * itself with the same query.
 */
const TIMEZONE = 'America/Mexico_City'; // not the browser's (UTC): presets must use the server's zone
const LEADS = 3000;

skipNotice('the dashboard end-to-end test');

describe.skipIf(!chromiumAvailable())('dashboard end to end on seeded data', () => {
  let dashboard: DashboardUnderTest;
  const token = issueAdminToken(TEST_JWT_SECRET, { sub: 'e2e' });
  const today = () => todayInZone(Date.now(), TIMEZONE);

  beforeAll(async () => {
    dashboard = await startDashboardUnderTest({
      env: { CRM_TIMEZONE: TIMEZONE },
      prepare: (app) => runCliSteps(app, [['seed', '--leads', String(LEADS), '--seed', '7'], ['sync'], ['snapshots', 'rebuild']], { CRM_TIMEZONE: TIMEZONE }),
    });
  }, 300_000);
  afterAll(() => dashboard?.close());

  async function apiPayload(query: string, bearer = token): Promise<{ status: number; body: AnalyticsPayload & { message?: string } }> {
    const response = await fetch(`${dashboard.baseUrl}/prospects/client-analytics${query ? `?${query}` : ''}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    return { status: response.status, body: (await response.json()) as AnalyticsPayload & { message?: string } };
  }

  /** Waits until the dashboard shows the answer to an API query containing `queryPart`. */
  const ready = (page: Page, queryPart = '') =>
    page.waitForSelector(`main[data-state="ready"]${queryPart === '' ? '' : `[data-query*="${queryPart}"]`}`);
  const shownQuery = async (page: Page) => (await page.getAttribute('main', 'data-query')) ?? '';

  /** A displayed figure as a number, whatever its formatting (`$1,234.50`, `28.3%`, `42.5 days`). */
  const figure = (text: string) => Number(text.replace(/[$,%]|days?|d$/g, '').trim());

  /** Every figure the dashboard shows, read off the page. */
  async function screenFigures(page: Page) {
    const kpi = async (key: string) => figure(await page.locator(`[data-kpi="${key}"] [data-role="value"]`).innerText());
    return {
      kpis: {
        total_leads: await kpi('total_leads'),
        total_shipments: await kpi('total_shipments'),
        avg_shipment_cost: await kpi('avg_shipment_cost'),
        total_lost: await kpi('total_lost'),
      },
      extra: {
        avg_closing_days: await kpi('avg_closing_days'),
        advancement_rate: await kpi('advancement_rate'),
        in_recharge: await kpi('in_recharge'),
      },
      funnel: await page.locator('[data-panel="funnel"] button[data-stage]').evaluateAll((buttons) =>
        buttons.map((button) => ({
          stage_name: button.getAttribute('data-stage'),
          count: button.querySelector('[data-role="count"]')?.textContent?.trim(),
          percentage: button.querySelector('[data-role="percentage"]')?.textContent?.trim(),
        })),
      ),
      outcomes: await page.locator('[data-panel="outcomes"] .legend__item').evaluateAll(
        (items) =>
          Object.fromEntries(items.map((item) => [item.getAttribute('data-bucket'), item.querySelector('[data-role="count"]')?.textContent?.trim()])) as Record<
            string,
            string | undefined
          >,
      ),
      products: await page.locator('[data-table="products"] tbody tr').evaluateAll((rows) =>
        rows.map((row) => ({
          product_name: row.getAttribute('data-product'),
          lead_count: row.querySelector('[data-role="lead-count"]')?.textContent?.trim(),
          total_value: row.querySelector('[data-role="total-value"]')?.textContent?.trim(),
        })),
      ),
      aging: await page.locator('[data-table="aging"] tbody tr').evaluateAll((rows) =>
        rows.map((row) => ({
          record: row.getAttribute('data-record'),
          color: row.querySelector('.stage-badge')?.getAttribute('data-color'),
          age: row.querySelector('[data-role="age"]')?.textContent?.trim(),
        })),
      ),
      salesmen: await page.locator('select[name="salesman"] option').evaluateAll((options) =>
        options.map((option) => (option as HTMLOptionElement).value).filter((value) => value !== ''),
      ),
      source: await page.getAttribute('[data-role="freshness"]', 'data-source'),
    };
  }

  const count = (value: string | undefined) => figure(value ?? 'NaN');

  /** The page shows exactly the payload's figures. */
  function expectScreenMatches(screen: Awaited<ReturnType<typeof screenFigures>>, payload: AnalyticsPayload) {
    expect(screen.kpis).toEqual({
      total_leads: payload.kpis.total_leads.current,
      total_shipments: payload.kpis.total_shipments.current,
      avg_shipment_cost: payload.kpis.avg_shipment_cost.current ?? Number.NaN,
      total_lost: payload.kpis.total_lost.current,
    });
    expect(screen.extra).toEqual({
      avg_closing_days: payload.extra_kpis.avg_closing_days ?? Number.NaN,
      advancement_rate: payload.extra_kpis.advancement_rate,
      in_recharge: payload.extra_kpis.in_recharge,
    });
    expect(screen.funnel.map((entry) => ({ stage_name: entry.stage_name, count: count(entry.count), percentage: count(entry.percentage) }))).toEqual(
      payload.sales_funnel.map((entry) => ({ stage_name: entry.stage_name, count: entry.count, percentage: entry.percentage })),
    );
    expect(Object.fromEntries(Object.entries(screen.outcomes).map(([bucket, value]) => [bucket, count(value)]))).toEqual(payload.outcome_summary);
    expect(
      screen.products.map((entry) => ({ product_name: entry.product_name, lead_count: count(entry.lead_count), total_value: count(entry.total_value) })),
    ).toEqual(payload.by_product.map((entry) => ({ ...entry })));
    expect(screen.aging).toEqual(
      payload.active_leads.map((lead) => ({
        record: `${lead.record_type}-${lead.record_id}`,
        color: lead.stage_color,
        age: `${lead.age_days.toLocaleString('en-US')} d`,
      })),
    );
    expect(screen.salesmen).toEqual(payload.by_executive.map((executive) => String(executive.id)));
    expect(screen.source).toBe(payload.meta.source);
  }

  const presetQuery = (preset: SnapshotPresetKey) => {
    const range = presetRange(preset, today());
    return `startDate=${range.startDate}&endDate=${range.endDate}`;
  };

  it('shows the API payload of the default preset, served from its snapshot, at 1280 px and 390 px', async () => {
    const page = await dashboard.openPage(`/#token=${token}`);
    await ready(page);
    expect(await shownQuery(page)).toBe(presetQuery('last30'));
    const { status, body } = await apiPayload(presetQuery('last30'));
    expect(status).toBe(200);
    expect(body.meta.source).toBe('snapshot'); // the dashboard's preset is the one the job precomputed
    expect(body.kpis.total_leads.current).toBeGreaterThan(0);
    expectScreenMatches(await screenFigures(page), body);
    expect(await page.locator('[data-role="freshness"]').innerText()).toContain('precomputed snapshot');

    await page.waitForTimeout(500); // chart entry animations
    await page.screenshot({ path: join(ARTIFACTS_DIRECTORY, 'dashboard-e2e-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS_DIRECTORY, 'dashboard-e2e-390.png'), fullPage: true });
    await page.close();
  });

  it('changes the preset: the URL, the request and every figure follow', async () => {
    const page = await dashboard.openPage(`/#token=${token}`);
    await ready(page);
    const before = await screenFigures(page);
    await page.click('button[data-period="6m"]');
    await ready(page, presetQuery('6m'));
    expect(new URL(page.url()).search).toBe('?preset=6m');
    const { body } = await apiPayload(presetQuery('6m'));
    expect(body.meta.source).toBe('snapshot');
    const after = await screenFigures(page);
    expectScreenMatches(after, body);
    expect(after.kpis.total_leads).toBeGreaterThan(before.kpis.total_leads);

    // Reloading the shared URL gives the same view.
    await page.reload();
    await ready(page, presetQuery('6m'));
    expectScreenMatches(await screenFigures(page), body);
    await page.close();
  });

  it('drills down by clicking the funnel: stage in the URL, live figures for that stage', async () => {
    const page = await dashboard.openPage(`/?preset=6m#token=${token}`);
    await ready(page, presetQuery('6m'));
    const total = (await screenFigures(page)).kpis.total_leads;
    const stage = await page.locator('[data-panel="funnel"] button[data-stage]').first().getAttribute('data-stage');
    expect(stage).toBeTruthy();
    await page.click(`[data-panel="funnel"] button[data-stage="${stage}"]`);
    await ready(page, `stage=${stage}`);
    expect(new URL(page.url()).searchParams.get('stage')).toBe(stage);
    expect(new URL(page.url()).searchParams.get('preset')).toBe('6m');

    const { body } = await apiPayload(await shownQuery(page));
    expect(body.meta.source).toBe('live');
    const drilled = await screenFigures(page);
    expectScreenMatches(drilled, body);
    expect(drilled.kpis.total_leads).toBeLessThan(total);
    expect(drilled.funnel.map((entry) => entry.stage_name)).toEqual([stage]);
    expect(await page.locator('[data-role="freshness"]').innerText()).toContain('computed live');

    // A second filter on top: the salesman with the most leads, from the dropdown.
    const salesman = body.by_executive_stage.find((entry) => entry.id !== null);
    if (salesman?.id) {
      await page.selectOption('select[name="salesman"]', String(salesman.id));
      await ready(page, `salesman=${salesman.id}`);
      expectScreenMatches(await screenFigures(page), (await apiPayload(await shownQuery(page))).body);
    }
    await page.close();
  });

  it('asks for a token on a 401 and loads once given a valid one', async () => {
    const page = await dashboard.openPage('/#token=not-a-jwt');
    await page.waitForSelector('main[data-state="unauthorized"]');
    expect(page.url()).toBe(`${dashboard.baseUrl}/`); // the bad token left the address bar too
    await page.fill('#token-input', token);
    await page.press('#token-input', 'Enter');
    await ready(page);
    expect((await screenFigures(page)).kpis.total_leads).toBe((await apiPayload(presetQuery('last30'))).body.kpis.total_leads.current);

    const expired = issueAdminToken(TEST_JWT_SECRET, { ttlSeconds: 60, now: Date.now() - 3_600_000 });
    const second = await dashboard.openPage(`/#token=${expired}`);
    await second.waitForSelector('main[data-state="unauthorized"]');
    await page.close();
    await second.close();
  });

  it('says so on a 403: a valid token without crm-menu', async () => {
    const page = await dashboard.openPage(`/#token=${issueAdminToken(TEST_JWT_SECRET, { permissions: ['reports'] })}`);
    await page.waitForSelector('[data-state="forbidden"]');
    expect(await page.locator('[data-state="forbidden"]').innerText()).toContain('crm-menu');
    await page.close();
  });

  it('shows the 422 message, naming the parameter, for a bad link and for a reversed custom range', async () => {
    const page = await dashboard.openPage(`/?startDate=2026-02-30&endDate=2026-03-01#token=${token}`);
    await page.waitForSelector('[data-state="invalid-parameter"]');
    const direct = await apiPayload('startDate=2026-02-30&endDate=2026-03-01');
    expect(direct.status).toBe(422);
    const message = await page.locator('[data-state="invalid-parameter"] [data-role="message"]').innerText();
    expect(message).toBe(direct.body.message);
    expect(message).toContain('startDate');

    await page.click('[data-action="reset-filters"]');
    await ready(page);
    await page.click('button[data-period="custom"]');
    await page.fill('input[name="startDate"]', '2026-03-10');
    await page.fill('input[name="endDate"]', '2026-03-01');
    await page.click('[data-action="apply-range"]');
    await page.waitForSelector('[data-state="invalid-parameter"]');
    const reversed = await apiPayload('startDate=2026-03-10&endDate=2026-03-01');
    expect(reversed.status).toBe(422);
    expect(await page.locator('[data-state="invalid-parameter"] [data-role="message"]').innerText()).toBe(reversed.body.message);
    expect(new URL(page.url()).search).toBe('?startDate=2026-03-10&endDate=2026-03-01');
    await page.close();
  });
});
