/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken } from '../src/auth/tokens.js';
import type { StageHistoryPayload } from '../src/domain/stage-history.js';
import { chromiumAvailable, skipNotice, startDashboardUnderTest, type DashboardUnderTest } from './support/dashboard-browser.js';
import { demoCrmModel } from './support/demo-crm-model.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { TEST_JWT_SECRET } from './support/test-application.js';

/**
 * The stage history panel in headless Chromium against the real server: every number of its
 * table equals the API's answer for the same filters, the slowest stage is the one marked, the
 * Sankey draws, and selecting a stage narrows the page (the `stage` filter in the URL), the panel
 * following.
 */
skipNotice('the stage history end-to-end test');

describe.skipIf(!chromiumAvailable())('stage history panel end to end', () => {
  let dashboard: DashboardUnderTest;
  const token = issueAdminToken(TEST_JWT_SECRET, { sub: 'e2e' });

  beforeAll(async () => {
    dashboard = await startDashboardUnderTest({
      prepare: async (app) => {
        await new MirroredCrm(app.database).load(demoCrmModel({ leads: 1500, seed: 21, now: Date.now(), batchSize: 1500 }));
        expect((await app.sync.run()).skipped).toBe(false);
      },
    });
  }, 300_000);
  afterAll(() => dashboard?.close());

  async function api(query: string): Promise<StageHistoryPayload> {
    const response = await fetch(`${dashboard.baseUrl}/prospects/client-analytics/stages${query ? `?${query}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as StageHistoryPayload;
  }

  /** The panel's table as the page shows it, once it answers `query`. */
  async function screenTable(page: Page, query: string) {
    await page.waitForSelector(`[data-panel="stages"] .stage-history[data-query="${query}"] tbody tr`);
    return page.locator('[data-panel="stages"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => {
        const cell = (field: string) => row.querySelector(`[data-field="${field}"]`)?.textContent?.trim() ?? '';
        return {
          stage: row.getAttribute('data-stage'),
          slowest: row.getAttribute('data-slowest') === 'true',
          entered: cell('entered'),
          current: cell('current'),
          advance_rate: cell('advance_rate'),
          median_days: cell('median_days'),
          p90_days: cell('p90_days'),
          current_median_days: cell('current_median_days'),
        };
      }),
    );
  }

  /** What the table must show for an API answer: the dashboard's formatting of each number. */
  function expectedTable(payload: StageHistoryPayload) {
    const text = (value: number | null, suffix = '') => (value === null ? '—' : `${value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}${suffix}`);
    const withMedian = payload.stages.filter((stage) => stage.median_days !== null);
    const slowest = withMedian.reduce<(typeof withMedian)[number] | null>((best, stage) => (best === null || (stage.median_days ?? 0) > (best.median_days ?? 0) ? stage : best), null);
    return payload.stages.map((stage) => ({
      stage: stage.stage_name,
      slowest: slowest?.stage_id === stage.stage_id,
      entered: stage.entered.toLocaleString('en-US'),
      current: stage.current.toLocaleString('en-US'),
      advance_rate: text(stage.advance_rate, '%'),
      median_days: text(stage.median_days),
      p90_days: text(stage.p90_days),
      current_median_days: text(stage.current_median_days),
    }));
  }

  it("shows the API's numbers, marks the slowest stage and draws the Sankey", async () => {
    const page = await dashboard.openPage(`/#token=${token}`);
    await page.waitForSelector('main[data-state="ready"]');
    const query = (await page.getAttribute('main', 'data-query')) ?? '';
    const payload = await api(query);
    expect(payload.transitions.length).toBeGreaterThan(0);
    expect(await screenTable(page, query)).toEqual(expectedTable(payload));
    expect(await page.locator('[data-panel="stages"] [data-slowest="true"]').count()).toBe(1);
    // The Sankey: ECharts drew a canvas of a real size.
    const canvas = page.locator('[data-chart="stage-sankey"] canvas').first();
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(100);
    expect(box?.height ?? 0).toBeGreaterThan(100);
    await page.close();
  });

  it('narrows the page to a stage when it is selected, and the panel follows', async () => {
    const page = await dashboard.openPage(`/#token=${token}`);
    await page.waitForSelector('main[data-state="ready"]');
    const stage = (await api((await page.getAttribute('main', 'data-query')) ?? '')).stages.find((entry) => entry.current > 0)!;
    await page.click(`[data-panel="stages"] tr[data-stage="${stage.stage_name}"] button`);
    await page.waitForSelector(`main[data-state="ready"][data-query*="stage=${stage.stage_name}"]`);
    expect(new URL(page.url()).searchParams.get('stage')).toBe(stage.stage_name);
    const query = (await page.getAttribute('main', 'data-query')) ?? '';
    const narrowed = await api(query);
    expect(await screenTable(page, query)).toEqual(expectedTable(narrowed));
    // The page's leads are those in that stage now (less those in recharge, a virtual stage of their own).
    const current = narrowed.stages.find((entry) => entry.stage_id === stage.stage_id)?.current ?? 0;
    expect(current).toBeGreaterThan(0);
    expect(current).toBeLessThanOrEqual(stage.current);
    expect(narrowed.stages.filter((entry) => entry.stage_id !== stage.stage_id).every((entry) => entry.current === 0)).toBe(true);
    await page.close();
  });
});
