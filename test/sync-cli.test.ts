import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_LOCK_NAME } from '../src/sync/sync-service.js';
import { handMadeCrm } from './support/hand-made-crm.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { runCli } from './support/run-cli.js';
import { createTestApplication, TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, testDialects, type TestApplication } from './support/test-application.js';

const secrets = { JWT_SECRET: TEST_JWT_SECRET, CRON_JWT_SECRET: TEST_CRON_JWT_SECRET };

describe.each(testDialects())('crm-analytics sync on $dialect', (target) => {
  let app: TestApplication;
  const sync = () => runCli(['sync'], { env: { ...secrets, DATABASE_URL: app.scratch.databaseUrl } });
  const logCount = async () => (await app.database.db.selectFrom('crm_analytics_sync_log').select('id').execute()).length;

  beforeAll(async () => {
    app = await createTestApplication(target);
    await new MirroredCrm(app.database).load(handMadeCrm());
  });
  afterAll(async () => app.dispose());

  it('prints what the first run (a full build) and a later run did', async () => {
    const first = await sync();
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('building leads (first sync)');
    expect(first.stderr).toMatch(/sync run 1: full build of 10 records, 4 leads upserted, 0 deleted in \d+\.\d s; watermark \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    const second = await sync();
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/sync run 2: 0 dirty \+ 4 rolling, 4 leads upserted, 0 deleted in/);
  });

  it('prints "skipped" and writes nothing while another process holds the lock', async () => {
    const before = await logCount();
    const outcome = await app.database.dialect.locks.withExclusiveLock(app.database.db, SYNC_LOCK_NAME, () => sync());
    if (!outcome.acquired) throw new Error('the test could not take the lock');
    expect(outcome.value.code).toBe(0);
    expect(outcome.value.stderr.trim()).toBe('sync skipped: another sync is running');
    expect(await logCount()).toBe(before);
  });
});

describe('crm-analytics sync failing', () => {
  let workdir: string;
  beforeAll(() => {
    workdir = mkdtempSync(join(tmpdir(), 'crm-sync-cli-'));
  });
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  it('exits non-zero with one line when the run fails', async () => {
    const env = { ...secrets, DATABASE_URL: join(workdir, 'crm.sqlite') };
    // The service's tables, but no CRM: the run cannot read its sources.
    expect((await runCli(['migrate'], { env })).code).toBe(0);
    const failed = await runCli(['sync'], { env });
    expect(failed.code).toBe(1);
    const lines = failed.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^crm-analytics: .*no such table/);
  });
});
