/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken } from '../src/auth/tokens.js';
import type { AnalyticsPayload } from '../src/domain/analytics-payload.js';
import type { LeadListRow } from '../src/domain/lead-list.js';
import { chromiumAvailable, runCliSteps, skipNotice, startDashboardUnderTest, type DashboardUnderTest } from './support/dashboard-browser.js';
import { TEST_JWT_SECRET } from './support/test-application.js';

/**
 * The leads behind a number, in Chromium: a demo CRM seeded and synced through the command line,
 * the real server and the production build of the dashboard. Clicking a funnel bar's list opens a
 * panel whose count is the bar's number and whose first rows are the API's; "Load more" follows
 * the cursor; the exported file is byte for byte the API's CSV; the token never appears in a URL.
 */
const LEADS = 1500;

skipNotice('the lead list end-to-end test');

describe.skipIf(!chromiumAvailable())('the lead list in the dashboard', () => {
  let dashboard: DashboardUnderTest;
  const token = issueAdminToken(TEST_JWT_SECRET, { sub: 'e2e-leads' });
  const requestedUrls: string[] = [];

  beforeAll(async () => {
    dashboard = await startDashboardUnderTest({
      prepare: (app) => runCliSteps(app, [['seed', '--leads', String(LEADS), '--seed', '11'], ['sync']]),
      configure: (server) => {
        server.ext('onRequest', (request, h) => {
          requestedUrls.push(request.url.href);
          return h.continue;
        });
      },
    });
  }, 300_000);
  afterAll(() => dashboard?.close());

  async function api(path: string): Promise<Response> {
    return fetch(`${dashboard.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  }

  it('opens the leads of a funnel bar: the count is the bar\'s number, the rows and the file are the API\'s', async () => {
    const page = await dashboard.openPage(`/?preset=all#token=${token}`);
    await page.waitForSelector('main[data-state="ready"]');
    const query = (await page.getAttribute('main', 'data-query')) ?? '';
    const payload = (await (await api(`/prospects/client-analytics${query ? `?${query}` : ''}`)).json()) as AnalyticsPayload;
    // The second bar: a pipeline stage or an outcome, whichever the data gives.
    const entry = payload.sales_funnel[1] ?? payload.sales_funnel[0]!;
    const barCount = Number((await page.locator(`[data-panel="funnel"] button[data-stage="${entry.stage_name}"] [data-role="count"]`).innerText()).replace(/,/g, ''));
    expect(barCount).toBe(entry.count);

    await page.click(`[data-panel="funnel"] button[data-list-stage="${entry.stage_name}"]`);
    await page.waitForSelector('[data-panel="lead-list"][data-state="ready"]');
    const shownTotal = Number((await page.locator('[data-panel="lead-list"] [data-role="total"]').innerText()).replace(/,/g, ''));
    expect(shownTotal).toBe(barCount);

    const listQuery = new URLSearchParams(query);
    listQuery.set('stage', entry.stage_name);
    expect(new URLSearchParams((await page.getAttribute('[data-panel="lead-list"]', 'data-query')) ?? '').toString()).toBe(listQuery.toString());
    listQuery.set('limit', '50');
    const apiPage = (await (await api(`/prospects/client-analytics/leads?${listQuery.toString()}`)).json()) as { total: number; leads: LeadListRow[] };
    expect(apiPage.total).toBe(entry.count);
    const shownRecords = async () => page.locator('[data-table="lead-list"] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-record')));
    expect(await shownRecords()).toEqual(apiPage.leads.map((row) => `${row.record_type}:${row.record_id}`));

    // Load more follows the cursor: the next 50, none twice.
    if (entry.count > 50) {
      await page.click('[data-action="load-more"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-table="lead-list"] tbody tr').length > 50);
      const records = await shownRecords();
      expect(new Set(records).size).toBe(records.length);
      expect(records.length).toBe(Math.min(100, entry.count));
    }

    // The sort switch: highest value first, as the API orders it.
    await page.selectOption('[data-role="sort"]', '-value_usd');
    await page.waitForFunction(() => document.querySelector('[data-panel="lead-list"]')?.getAttribute('data-state') === 'ready' && document.querySelectorAll('[data-table="lead-list"] tbody tr').length <= 50);
    listQuery.set('sort', '-value_usd');
    const byValue = (await (await api(`/prospects/client-analytics/leads?${listQuery.toString()}`)).json()) as { leads: LeadListRow[] };
    expect(await shownRecords()).toEqual(byValue.leads.map((row) => `${row.record_type}:${row.record_id}`));

    // Export CSV: the downloaded file is the API's CSV of the same rows, in the same order.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-csv"]')]);
    const csvQuery = new URLSearchParams(query);
    csvQuery.set('stage', entry.stage_name);
    csvQuery.set('sort', '-value_usd');
    csvQuery.set('format', 'csv');
    const apiCsv = await (await api(`/prospects/client-analytics/leads?${csvQuery.toString()}`)).text();
    const path = await download.path();
    const file = readFileSync(path, 'utf8');
    // age_days counts to "now": the two files were made within the same day.
    expect(file).toBe(apiCsv);
    expect(download.suggestedFilename()).toBe('crm-leads-all-time.csv');
    expect(file.split('\r\n').length - 2).toBe(entry.count);

    await page.click('[data-action="close-list"]');
    await page.waitForSelector('[data-panel="lead-list"]', { state: 'detached' });

    // The token never travelled in a URL.
    expect(requestedUrls.length).toBeGreaterThan(0);
    for (const url of requestedUrls) expect(url).not.toContain(token);
    await page.close();
  });

  it('opens the lost leads from the KPI card and an outcome slice, each with its number', async () => {
    const page = await dashboard.openPage(`/?preset=all#token=${token}`);
    await page.waitForSelector('main[data-state="ready"]');
    const lost = Number((await page.locator('[data-kpi="total_lost"] [data-role="value"]').innerText()).replace(/,/g, ''));
    await page.click('[data-kpi="total_lost"] [data-action="list"]');
    await page.waitForSelector('[data-panel="lead-list"][data-state="ready"]');
    expect(Number((await page.locator('[data-panel="lead-list"] [data-role="total"]').innerText()).replace(/,/g, ''))).toBe(lost);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-panel="lead-list"]', { state: 'detached' });

    const remaining = Number((await page.locator('[data-bucket="remaining"] [data-role="count"]').innerText()).replace(/,/g, ''));
    await page.click('[data-list-outcome="remaining"]');
    await page.waitForSelector('[data-panel="lead-list"][data-state="ready"]');
    expect(Number((await page.locator('[data-panel="lead-list"] [data-role="total"]').innerText()).replace(/,/g, ''))).toBe(remaining);
    await page.close();
  });
});
