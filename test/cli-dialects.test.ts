import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/** Every command on every dialect (issue #5): the CLI is what operators and the cron run. */
describe.each(testDialects())('the command line on $dialect', (target) => {
  let app: TestApplication;
  let env: Record<string, string>;

  beforeAll(async () => {
    app = await createTestApplication(target, { migrate: false });
    env = { DATABASE_URL: app.scratch.databaseUrl, JWT_SECRET: TEST_JWT_SECRET, CRON_JWT_SECRET: TEST_CRON_JWT_SECRET };
  });
  afterAll(async () => app.dispose());

  it('migrates, seeds, syncs and rebuilds snapshots', async () => {
    const migrate = await runCli(['migrate', '--source-schema'], { env });
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stderr).toContain(`migrating ${target.dialect} database`);
    expect(migrate.stderr).toMatch(/source schema: applied 0001-create-crm-source-tables/);

    const seed = await runCli(['seed', '--leads', '250', '--seed', '4', '--now', '2026-06-01T00:00:00Z'], { env });
    expect(seed.code, seed.stderr).toBe(0);
    expect(seed.stderr).toMatch(/seeded 250 leads/);

    const sync = await runCli(['sync'], { env });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).toMatch(/250 leads upserted/);
    expect(await app.database.db.selectFrom('crm_analytics_leads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).toEqual({
      n: 250,
    });

    const rebuild = await runCli(['snapshots', 'rebuild'], { env });
    expect(rebuild.code, rebuild.stderr).toBe(0);
    const presets = await app.database.db.selectFrom('crm_analytics_snapshots').select('preset').orderBy('preset').execute();
    expect(presets.map((row) => row.preset)).toEqual(['1m', '3m', '6m', 'last30']);
  });
});
