/// <reference lib="dom" />
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken } from '../src/auth/tokens.js';
import { formatDbDateTime } from '../src/db/datetime.js';
import { ARTIFACTS_DIRECTORY, chromiumAvailable, skipNotice, startDashboardUnderTest, type DashboardUnderTest } from './support/dashboard-browser.js';
import { handMadeCrm } from './support/hand-made-crm.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { TEST_JWT_SECRET } from './support/test-application.js';

/**
 * A real server whose latest successful sync started three days ago (SYNC_STALE_AFTER_SECONDS is
 * the default hour): /health says stale, and the production build of the dashboard, in headless
 * Chromium, warns with the data's age and date above its figures.
 */
const DAY_MS = 86_400_000;

skipNotice('the stale-data dashboard test');

describe.skipIf(!chromiumAvailable())('the dashboard on stale data', () => {
  let dashboard: DashboardUnderTest;
  const token = issueAdminToken(TEST_JWT_SECRET, { sub: 'stale-e2e' });

  beforeAll(async () => {
    dashboard = await startDashboardUnderTest({
      prepare: async (app) => {
        const crm = new MirroredCrm(app.database);
        await crm.reset();
        await crm.load(handMadeCrm());
        await app.sync.run();
        // The run as if it had happened three days ago, and no snapshot of it: the payload is computed
        // live from the log as it now reads.
        const startedAt = Date.now() - 3 * DAY_MS;
        await app.database.db
          .updateTable('crm_analytics_sync_log')
          .set({
            started_at: formatDbDateTime(startedAt),
            finished_at: formatDbDateTime(startedAt + 5_000),
            watermark: formatDbDateTime(startedAt - app.config.sync.lookbackSeconds * 1000),
          })
          .execute();
        await app.database.db.deleteFrom('crm_analytics_snapshots').execute();
      },
    });
  }, 300_000);
  afterAll(() => dashboard?.close());

  it('reports stale data on /health, still 200', async () => {
    const response = await fetch(`${dashboard.baseUrl}/health`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as { stale: boolean; data_age_seconds: number };
    expect(health.stale).toBe(true);
    expect(health.data_age_seconds).toBeGreaterThan(3 * 86_400 - 60);
  });

  it('warns on the dashboard with the age of the data and since when the sync has not succeeded', async () => {
    const page = await dashboard.openPage(`/#token=${token}`);
    await page.waitForSelector('main[data-state="ready"]');
    const warning = page.locator('[data-role="staleness-warning"]');
    await warning.waitFor();
    const text = (await warning.innerText()).replace(/\s+/g, ' ');
    expect(text).toMatch(/Data is 3 days old: the sync has not succeeded since [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    expect(await warning.getAttribute('role')).toBe('alert');
    // Above the figures, visible without scrolling.
    const box = await warning.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(10);
    expect(box?.y ?? 1e9).toBeLessThan(900);
    await page.screenshot({ path: join(ARTIFACTS_DIRECTORY, 'dashboard-stale-1280.png') });
    await page.close();
  });

  it('revalidates the payload it already has: the same view again is a 304 from the server', async () => {
    const revalidated = async () => {
      const line = (await dashboard.app.metrics.render()).split('\n').find((entry) => entry.startsWith('crm_analytics_http_requests_total{route="/prospects/client-analytics",status="304"}'));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const before = await revalidated();
    const page = await dashboard.openPage(`/#token=${token}`);
    await page.waitForSelector('main[data-state="ready"]');
    await page.reload();
    await page.waitForSelector('main[data-state="ready"]');
    await page.locator('[data-role="staleness-warning"]').waitFor();
    expect(await revalidated()).toBeGreaterThan(before);
    await page.close();
  });
});
