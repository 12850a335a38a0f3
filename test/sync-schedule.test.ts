import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { startSyncSchedule } from '../src/sync/sync-schedule.js';
import { handMadeCrm } from './support/hand-made-crm.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

describe('SYNC_CRON', () => {
  it.each(['every five minutes', '61 * * * *', '* * *'])('refuses %j when the configuration loads', (cron) => {
    expect(() => loadConfig({ SYNC_CRON: cron, JWT_SECRET: 'a', CRON_JWT_SECRET: 'b' })).toThrow(ConfigError);
    expect(() => loadConfig({ SYNC_CRON: cron, JWT_SECRET: 'a', CRON_JWT_SECRET: 'b' })).toThrow(/SYNC_CRON is not a cron expression/);
  });

  it.each(['*/5 * * * *', '0 3 * * *', '*/30 * * * * *', '@hourly'])('accepts %j', (cron) => {
    expect(loadConfig({ SYNC_CRON: cron, JWT_SECRET: 'a', CRON_JWT_SECRET: 'b' }).sync.cron).toBe(cron);
  });
});

describe.each(testDialects())('the SYNC_CRON schedule on $dialect', (target) => {
  let app: TestApplication;

  beforeAll(async () => {
    app = await createTestApplication(target, { env: { SYNC_CRON: '* * * * * *' } });
    await new MirroredCrm(app.database).load(handMadeCrm());
  });
  afterAll(async () => app.dispose());

  it('runs the sync on its schedule until stopped', async () => {
    const schedule = startSyncSchedule(app.sync, { cron: app.config.sync.cron!, timezone: app.config.timezone, logger: app.logger });
    try {
      expect(schedule.nextRun()).toBeInstanceOf(Date);
      const okRuns = async () =>
        (await app.database.db.selectFrom('crm_analytics_sync_log').select('id').where('status', '=', 'ok').execute()).length;
      for (let waited = 0; (await okRuns()) < 2 && waited < 10_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await okRuns()).toBeGreaterThanOrEqual(2);
    } finally {
      schedule.stop();
    }
    expect(schedule.nextRun()).toBeNull();
  });
});
