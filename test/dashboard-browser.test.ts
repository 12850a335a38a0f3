/// <reference lib="dom" />
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnalyticsPayload } from '../src/domain/analytics-payload.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import { CONTENT_SECURITY_POLICY } from '../src/http/plugins/security-headers-plugin.js';
import { ALL_TIME_PAYLOAD, FILTER_OPTIONS, PAYLOAD, WON_PAYLOAD } from '../ui/test/fixtures/analytics-fixtures.js';
import {
  ARTIFACTS_DIRECTORY,
  chromiumAvailable,
  ensureDashboardBuild,
  launchBrowser,
  skipNotice,
  startServer,
  type BrowserSession,
  type RunningServer,
} from './support/dashboard-browser.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * The built dashboard in headless Chromium, served by the real hapi server under its own strict
 * Content-Security-Policy (src/http/plugins/security-headers-plugin.ts),
 * with the API answered by hand-made payloads (Playwright route interception): UI behaviour —
 * token handling, presets, drill-downs, history, every error state, keyboard, narrow screens.
 * The end-to-end test against the real analytics endpoint on seeded data is
 * test/dashboard-e2e.test.ts.
 */
const CSP = CONTENT_SECURITY_POLICY;

skipNotice('the dashboard browser test (fake API)');

const STAGE_HISTORY = {
  stages: [
    { stage_id: 1, stage_name: 'contactado', stage_color: 'primary', position: 1, entered: 10, current: 3, advanced: 6, advance_rate: 60, median_days: 4.5, p90_days: 12, current_median_days: 8.5 },
    { stage_id: 2, stage_name: 'negociacion', stage_color: 'warning', position: 2, entered: 6, current: 2, advanced: 3, advance_rate: 50, median_days: 21, p90_days: 40.5, current_median_days: 30 },
  ],
  transitions: [
    { from: 'contactado', to: 'negociacion', count: 6 },
    { from: 'negociacion', to: 'contactado', count: 1 },
  ],
  meta: { source: 'live', computed_at: '2026-04-17T12:00:00.000Z', data_as_of: '2026-04-17T11:58:00.000Z' },
};

const TRENDS = {
  interval: 'month',
  series: [
    { start: '2026-02-01', end: '2026-02-28', total_leads: 600, won: 120, lost: 90, in_recharge: 30, remaining: 360, advancement_rate: 41.5, total_shipments: 900, value_usd: 120500.5, closed_won: 80, avg_closing_days: 21.4 },
    { start: '2026-03-01', end: '2026-03-31', total_leads: 720, won: 150, lost: 101, in_recharge: 40, remaining: 429, advancement_rate: 44.2, total_shipments: 1100, value_usd: 150020.25, closed_won: 95, avg_closing_days: null },
  ],
  meta: { source: 'live', computed_at: '2026-04-17T12:00:00.000Z', data_as_of: '2026-04-17T11:58:00.000Z' },
};

describe.skipIf(!chromiumAvailable())('dashboard in Chromium against a fake API', () => {
  let app: TestApplication;
  let running: RunningServer;
  let browser: BrowserSession;
  let page: Page;
  let problems: string[];
  let analyticsRequests: URL[];
  let answer: (url: URL, route: Route) => Promise<void>;

  const today = () => todayInZone(Date.now(), FILTER_OPTIONS.timezone);
  const respond = (payload: AnalyticsPayload) => (_url: URL, route: Route) => route.fulfill({ json: payload });

  beforeAll(async () => {
    const built = await ensureDashboardBuild();
    app = await createTestApplication(testDialects()[0]!, { migrate: false });
    running = await startServer(app, built);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await app?.dispose();
  });

  beforeEach(async () => {
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    problems = [];
    analyticsRequests = [];
    answer = respond(PAYLOAD);
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.route(
      (url) => url.pathname === '/crm/analytics/filter-options',
      (route) => route.fulfill({ json: FILTER_OPTIONS }),
    );
    // The trend and stage history panels ask routes of their own: fixed answers.
    await page.route(
      (url) => url.pathname === '/prospects/client-analytics/trends',
      (route) => route.fulfill({ json: TRENDS }),
    );
    await page.route(
      (url) => url.pathname === '/prospects/client-analytics/stages',
      (route) => route.fulfill({ json: STAGE_HISTORY }),
    );
    await page.route(
      (url) => url.pathname === '/prospects/client-analytics',
      async (route) => {
        const url = new URL(route.request().url());
        analyticsRequests.push(url);
        await answer(url, route);
      },
    );
    return async () => {
      await page.close();
    };
  });

  /** The dashboard shows a payload whose API query contains `queryPart` (`[x*=""]` matches nothing in CSS). */
  const ready = (queryPart = '') =>
    page.waitForSelector(`main[data-state="ready"]${queryPart === '' ? '' : `[data-query*="${queryPart}"]`}`);
  const kpi = (key: string) => page.locator(`[data-kpi="${key}"] [data-role="value"]`).innerText();

  it('takes the token from the link, hides it, and shows the payload figure by figure', async () => {
    await page.goto(`${running.baseUrl}/#token=fake.token.value`);
    await ready();
    expect(page.url()).toBe(`${running.baseUrl}/`);
    expect(await page.evaluate(() => sessionStorage.getItem('crm-analytics.admin-token'))).toBe('fake.token.value');
    expect(analyticsRequests).toHaveLength(1);
    const range = presetRange('last30', today());
    expect(Object.fromEntries(analyticsRequests[0]!.searchParams)).toEqual({ startDate: range.startDate, endDate: range.endDate });

    expect(await kpi('total_leads')).toBe('1,320');
    expect(await kpi('avg_shipment_cost')).toBe('$125.40');
    expect(await page.locator('[data-kpi="total_lost"] [data-role="delta"]').getAttribute('data-tone')).toBe('good');
    expect(await page.locator('[data-kpi="total_shipments"] [data-role="delta"]').getAttribute('data-tone')).toBe('bad');
    expect(await page.locator('[data-table="aging"] tbody tr').count()).toBe(PAYLOAD.active_leads.length);
    expect(await page.locator('[data-table="products"] [data-role="total-value"]').allInnerTexts()).toEqual(['$1,048,200.00', '$48,200.50']);
    // The charts drew something.
    expect(await page.locator('[data-panel="outcomes"] canvas').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('changes the preset, the URL and the request together; all time drops the deltas', async () => {
    await page.goto(`${running.baseUrl}/#token=t`);
    await ready();
    await page.click('button[data-period="3m"]');
    const range = presetRange('3m', today());
    await ready(`startDate=${range.startDate}`);
    expect(new URL(page.url()).search).toBe('?preset=3m');

    answer = respond(ALL_TIME_PAYLOAD);
    await page.click('button[data-period="all"]');
    await page.waitForSelector('main[data-state="ready"][data-query=""]');
    expect(new URL(page.url()).search).toBe('?preset=all');
    expect(await kpi('total_leads')).toBe('20,000');
    expect(await page.locator('[data-role="delta"]').count()).toBe(0);
    expect(await page.locator('[data-kpi="total_leads"] [data-role="previous"]').innerText()).toBe('All time: no previous period');

    // A custom range is applied with its button; the URL then carries the dates.
    answer = respond(PAYLOAD);
    await page.click('button[data-period="custom"]');
    await page.fill('input[name="startDate"]', '2026-01-01');
    await page.fill('input[name="endDate"]', '2026-01-31');
    await page.click('[data-action="apply-range"]');
    await ready('startDate=2026-01-01&endDate=2026-01-31');
    expect(new URL(page.url()).search).toBe('?startDate=2026-01-01&endDate=2026-01-31');
    expect(problems).toEqual([]);
  });

  it('drills down by clicking the funnel and by keyboard, and the back button undoes it', async () => {
    answer = (url, route) => route.fulfill({ json: url.searchParams.get('stage') === 'won' ? WON_PAYLOAD : PAYLOAD });
    await page.goto(`${running.baseUrl}/?preset=6m#token=t`);
    await ready();
    await page.click('[data-panel="funnel"] button[data-stage="won"]');
    await ready('stage=won');
    expect(new URL(page.url()).search).toBe('?preset=6m&stage=won');
    expect(await kpi('total_leads')).toBe('247');
    expect(await page.locator('[data-chip="stage"]').innerText()).toContain('Stage: Won');

    await page.goBack();
    await page.waitForSelector('main[data-state="ready"]:not([data-query*="stage="])');
    expect(new URL(page.url()).search).toBe('?preset=6m');
    expect(await kpi('total_leads')).toBe('1,320');

    // Keyboard only: focus the bar and press Enter.
    await page.focus('[data-panel="funnel"] button[data-stage="negociacion"]');
    await page.keyboard.press('Enter');
    await ready('stage=negociacion');
    // A product row and the salesman select drill down too.
    await page.click('[data-table="products"] tr[data-product="packageContent.autoParts"] button');
    await ready('product=packageContent.autoParts');
    await page.selectOption('select[name="salesman"]', '8');
    await ready('salesman=8');
    expect(new URL(page.url()).searchParams.get('salesman')).toBe('8');
    await page.click('[data-action="clear-filters"]');
    await page.waitForSelector('main[data-state="ready"]:not([data-query*="salesman="])');
    expect(new URL(page.url()).search).toBe('?preset=6m');
    expect(problems).toEqual([]);
  });

  it('reaches every filter control with the keyboard', async () => {
    await page.goto(`${running.baseUrl}/#token=t`);
    await ready();
    const reached = new Set<string>();
    for (let step = 0; step < 40; step += 1) {
      await page.keyboard.press('Tab');
      const name = await page.evaluate(() => {
        const element = document.activeElement;
        if (!element) return '';
        return element.getAttribute('data-period') ?? element.getAttribute('name') ?? element.closest('[data-filter]')?.getAttribute('data-filter') ?? element.getAttribute('data-stage') ?? '';
      });
      if (name) reached.add(name);
    }
    for (const control of ['last30', '1m', '3m', '6m', 'all', 'custom', 'localeIds', 'salesman', 'tier', 'stage', 'product', 'contactado']) {
      expect(reached, control).toContain(control);
    }
  });

  it('shows each failure clearly: 401 asks for a token, 403, 422 with its message, 500 and network errors', async () => {
    answer = (_url, route) => route.fulfill({ status: 401, json: { statusCode: 401, error: 'Unauthorized', message: 'Expired token' } });
    await page.goto(`${running.baseUrl}/#token=old`);
    await page.waitForSelector('main[data-state="unauthorized"]');
    expect(await page.locator('.token-prompt').innerText()).toContain('Expired token');
    answer = respond(PAYLOAD);
    await page.fill('#token-input', 'new-token');
    await page.press('#token-input', 'Enter');
    await ready();

    answer = (_url, route) => route.fulfill({ status: 403, json: { statusCode: 403, error: 'Forbidden', message: 'Insufficient scope' } });
    await page.click('button[data-period="1m"]');
    await page.waitForSelector('[data-state="forbidden"]');
    expect(await page.locator('[data-state="forbidden"]').innerText()).toContain('crm-menu');

    answer = (_url, route) =>
      route.fulfill({ status: 422, json: { statusCode: 422, error: 'Unprocessable Entity', message: 'tier must be a comma-separated list of integers 0–5' } });
    await page.goto(`${running.baseUrl}/?tier=9`);
    await page.waitForSelector('[data-state="invalid-parameter"]');
    expect(await page.locator('[data-state="invalid-parameter"] [data-role="message"]').innerText()).toBe('tier must be a comma-separated list of integers 0–5');

    answer = (_url, route) => route.fulfill({ status: 500, json: { statusCode: 500, error: 'Internal Server Error', message: 'An internal server error occurred' } });
    await page.goto(`${running.baseUrl}/`);
    await page.waitForSelector('[data-state="http-error"]');
    expect(await page.locator('[data-state="http-error"]').innerText()).toContain('The analytics service failed');

    answer = (_url, route) => route.abort('connectionrefused');
    await page.click('[data-action="retry"]');
    await page.waitForSelector('[data-state="network"]');
    answer = respond(PAYLOAD);
    await page.click('[data-action="retry"]');
    await ready();
    // The failed requests themselves are logged by Chromium; nothing else may be.
    expect(problems.filter((problem) => !/Failed to load resource|net::ERR_CONNECTION_REFUSED/.test(problem))).toEqual([]);
  });

  it("runs under script-src 'self' and style-src 'self' without a single CSP violation", async () => {
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective}: ${event.blockedURI}`));
    });
    const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    const response = await page.goto(`${running.baseUrl}/#token=t`);
    expect(response?.headers()['content-security-policy']).toBe(CSP);
    await ready();
    // Exercise what could inject styles: a tooltip on each chart, a disclosure menu, a drill-down.
    for (const panel of ['outcomes', 'executives', 'tiers']) {
      const box = await page.locator(`[data-panel="${panel}"] canvas`).first().boundingBox();
      if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForTimeout(150);
    }
    await page.click('[data-filter="tier"] summary');
    await page.click('[data-panel="funnel"] button[data-stage="won"]');
    await ready('stage=won');
    expect(await violations()).toEqual([]);

    // The detector itself works: an inline style attribute is refused and reported.
    await page.evaluate(() => document.body.setAttribute('style', 'color: red'));
    await page.waitForFunction(() => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0);
    expect((await violations())[0]).toMatch(/^style-src/);
  });

  it('stays usable at 390 px and at 1280 px (screenshots in test-results/)', async () => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await page.goto(`${running.baseUrl}/?preset=3m#token=t`);
      await ready();
      await page.waitForTimeout(400); // let the charts finish their entry animation
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS_DIRECTORY, `dashboard-fake-api-${width}.png`), fullPage: true });
    }
    expect(problems).toEqual([]);
  });
});
