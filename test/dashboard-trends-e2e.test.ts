/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken } from '../src/auth/tokens.js';
import type { AnalyticsPayload } from '../src/domain/analytics-payload.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import type { TrendPoint, TrendsPayload } from '../src/domain/trends.js';
import { chromiumAvailable, runCliSteps, skipNotice, startDashboardUnderTest, type DashboardUnderTest } from './support/dashboard-browser.js';
import { TEST_JWT_SECRET } from './support/test-application.js';

/**
 * The trend panel end to end (SPEC §11): a demo CRM seeded and synced through the command line, the
 * real server, headless Chromium. The chart's buckets (read off the table that mirrors the canvas)
 * equal the API's series; clicking a bucket on the canvas narrows the URL and every KPI to it.
 */
const TIMEZONE = 'America/Santiago';
const LEADS = 3000;

skipNotice('the trend panel end-to-end test');

describe.skipIf(!chromiumAvailable())('dashboard trend panel end to end', () => {
  let dashboard: DashboardUnderTest;
  const token = issueAdminToken(TEST_JWT_SECRET, { sub: 'e2e-trends' });

  beforeAll(async () => {
    dashboard = await startDashboardUnderTest({
      env: { CRM_TIMEZONE: TIMEZONE },
      prepare: (app) => runCliSteps(app, [['seed', '--leads', String(LEADS), '--seed', '11'], ['sync']], { CRM_TIMEZONE: TIMEZONE }),
    });
  }, 300_000);
  afterAll(() => dashboard?.close());

  async function api<T>(path: string, query: string): Promise<T> {
    const response = await fetch(`${dashboard.baseUrl}${path}?${query}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  const ready = (page: Page, queryPart: string) => page.waitForSelector(`main[data-state="ready"][data-query*="${queryPart}"]`);
  const shownQuery = async (page: Page) => (await page.getAttribute('main', 'data-query')) ?? '';

  /** The buckets the panel shows, with their column centres on the canvas. */
  async function shownBuckets(page: Page) {
    return page.locator('[data-panel="trend"] [data-role="trend-table"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => {
        const field = (name: string) => Number(row.querySelector(`[data-field="${name}"]`)?.textContent ?? 'NaN');
        return {
          start: row.getAttribute('data-start'),
          end: row.getAttribute('data-end'),
          x: Number(row.getAttribute('data-x') ?? 'NaN'),
          total_leads: field('total_leads'),
          won: field('won'),
          lost: field('lost'),
          in_recharge: field('in_recharge'),
          remaining: field('remaining'),
          closed_won: field('closed_won'),
        };
      }),
    );
  }

  const comparable = (series: readonly TrendPoint[]) =>
    series.map(({ start, end, total_leads, won, lost, in_recharge, remaining, closed_won }) => ({ start, end, total_leads, won, lost, in_recharge, remaining, closed_won }));

  /** Waits for the panel to show the series of `interval` for the query on screen, then compares it with the API's. */
  async function expectPanelMatchesApi(page: Page, interval: string): Promise<TrendsPayload> {
    await page.waitForSelector(`[data-panel="trend"] .trend[data-interval="${interval}"] [data-role="trend-table"] tbody tr[data-x]:not([data-x=""])`);
    const trends = await api<TrendsPayload>('/prospects/client-analytics/trends', `${await shownQuery(page)}&interval=${interval}`);
    expect(trends.series.length).toBeGreaterThan(0);
    const shown = await shownBuckets(page);
    expect(shown.map(({ x: _x, ...bucket }) => bucket)).toEqual(comparable(trends.series));
    return trends;
  }

  const kpi = async (page: Page, key: string) => Number((await page.locator(`[data-kpi="${key}"] [data-role="value"]`).innerText()).replace(/[$,%]|days?/g, '').trim());

  it('draws the API series; a click on a bucket narrows the URL and every KPI to its dates', async () => {
    const range = presetRange('6m', todayInZone(Date.now(), TIMEZONE));
    const page = await dashboard.openPage(`/?preset=6m#token=${token}`);
    await ready(page, `startDate=${range.startDate}&endDate=${range.endDate}`);
    // Six months open by week.
    const weekly = await expectPanelMatchesApi(page, 'week');
    const payload = await api<AnalyticsPayload>('/prospects/client-analytics', await shownQuery(page));
    expect(weekly.series.reduce((sum, point) => sum + point.total_leads, 0)).toBe(payload.kpis.total_leads.current);

    // Click the busiest week's column on the canvas.
    const shown = await shownBuckets(page);
    const busiest = shown.reduce((best, bucket) => (bucket.total_leads > best.total_leads ? bucket : best));
    const chart = page.locator('[data-panel="trend"] canvas').first();
    await chart.scrollIntoViewIfNeeded();
    const canvas = await chart.boundingBox();
    expect(canvas).not.toBeNull();
    await page.mouse.click(canvas!.x + busiest.x, canvas!.y + canvas!.height * 0.6);
    await ready(page, `startDate=${busiest.start}&endDate=${busiest.end}`);
    const url = new URL(page.url());
    expect(url.searchParams.get('startDate')).toBe(busiest.start);
    expect(url.searchParams.get('endDate')).toBe(busiest.end);
    expect(await kpi(page, 'total_leads')).toBe(busiest.total_leads);
    const narrowed = await api<AnalyticsPayload>('/prospects/client-analytics', await shownQuery(page));
    expect(await kpi(page, 'total_leads')).toBe(narrowed.kpis.total_leads.current);
    expect(await kpi(page, 'total_lost')).toBe(narrowed.kpis.total_lost.current);
    expect(await kpi(page, 'advancement_rate')).toBe(narrowed.extra_kpis.advancement_rate);

    // The bucket's leads open as a list: the bucket's count, the API's list of those dates.
    await page.click('[data-panel="trend"] button[data-action="list-bucket"]');
    const listTotal = page.locator('[data-panel="lead-list"] [data-role="total"]');
    await listTotal.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-panel="lead-list"] [data-role="total"]')?.textContent?.trim() !== '…');
    expect(Number((await listTotal.innerText()).replace(/,/g, ''))).toBe(busiest.total_leads);
    await page.click('[data-action="close-list"]');

    // A week opens by day, and its days add up to the KPIs.
    const daily = await expectPanelMatchesApi(page, 'day');
    expect(daily.series.reduce((sum, point) => sum + point.total_leads, 0)).toBe(narrowed.kpis.total_leads.current);

    // Back: the six months again.
    await page.goBack();
    await ready(page, `startDate=${range.startDate}&endDate=${range.endDate}`);
    await expectPanelMatchesApi(page, 'week');
    await page.close();
  });

  it('switches the interval: in the URL, the series follows, a reload keeps it', async () => {
    const page = await dashboard.openPage(`/?preset=6m#token=${token}`);
    await ready(page, 'startDate=');
    await page.click('[data-panel="trend"] button[data-interval="month"]');
    await expectPanelMatchesApi(page, 'month');
    expect(new URL(page.url()).searchParams.get('interval')).toBe('month');
    await page.reload();
    await ready(page, 'startDate=');
    await expectPanelMatchesApi(page, 'month');
    // A filter set elsewhere on the page applies to the trend too.
    const stage = await page.locator('[data-panel="funnel"] button[data-stage]').first().getAttribute('data-stage');
    await page.click(`[data-panel="funnel"] button[data-stage="${stage}"]`);
    await ready(page, `stage=${stage}`);
    await page.waitForFunction(
      (expected) => document.querySelector('[data-panel="trend"] [data-role="trend-total"]')?.textContent?.trim().startsWith(expected) ?? false,
      (await kpi(page, 'total_leads')).toLocaleString('en-US'),
    );
    await expectPanelMatchesApi(page, 'month');
    expect(new URL(page.url()).searchParams.get('interval')).toBe('month');
    await page.close();
  });

  it('fits a 390 px screen', async () => {
    const page = await dashboard.openPage(`/?preset=6m#token=${token}`);
    await ready(page, 'startDate=');
    await expectPanelMatchesApi(page, 'week');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });
});
