import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Jwt from '@hapi/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { TEST_CRON_JWT_SECRET, TEST_JWT_SECRET } from './support/test-application.js';

/** Runs the CLI in a scratch directory, where the embedded default database goes to ./data/. */
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env, cwd: workdir });

let workdir: string;

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'crm-cli-'));
});
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

describe('crm-analytics command line', () => {
  const secrets = { JWT_SECRET: TEST_JWT_SECRET, CRON_JWT_SECRET: TEST_CRON_JWT_SECRET };

  it('migrates the embedded default database, twice without harm', async () => {
    const first = await cli(['migrate', '--source-schema'], secrets);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('source schema: applied 0001-create-crm-source-tables');
    expect(first.stderr).toContain('service schema: applied 0001-create-analytics-tables');
    const second = await cli(['migrate', '--source-schema'], secrets);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('service schema: already up to date');
  });

  it('seeds a deterministic demo CRM and says what it did', async () => {
    const seeded = await cli(['seed', '--leads', '300', '--seed', '9', '--now', '2026-06-01T00:00:00Z'], secrets);
    expect(seeded.code).toBe(0);
    expect(seeded.stderr).toMatch(/seeded 300 leads \(.* rows: .* companies, .* prospects, .* follow-ups\) with seed 9/);
    const again = await cli(['seed', '--leads', '300'], secrets);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('already hold');
  });

  it('issues admin and cron tokens that verify with their own secret only', async () => {
    const admin = await cli(['token', 'admin', '--sub', '42', '--permissions', 'crm-menu,reports', '--ttl', '2h'], secrets);
    expect(admin.code).toBe(0);
    const adminToken = admin.stdout.trim();
    const decoded = Jwt.token.decode(adminToken);
    Jwt.token.verify(decoded, { key: TEST_JWT_SECRET, algorithm: 'HS256' });
    expect(decoded.decoded.header.alg).toBe('HS256');
    expect(decoded.decoded.payload).toMatchObject({ sub: '42', type: 'admin', permissions: ['crm-menu', 'reports'] });
    const payload = decoded.decoded.payload as { iat: number; exp: number };
    expect(payload.exp - payload.iat).toBe(7200);

    const cron = await cli(['token', 'cron'], secrets);
    const cronDecoded = Jwt.token.decode(cron.stdout.trim());
    Jwt.token.verify(cronDecoded, { key: TEST_CRON_JWT_SECRET, algorithm: 'HS256' });
    expect(cronDecoded.decoded.payload).toMatchObject({ sub: 'cron', type: 'cron' });
    expect((cronDecoded.decoded.payload as { exp?: number }).exp).toBeUndefined();
    expect(() => Jwt.token.verify(cronDecoded, { key: TEST_JWT_SECRET, algorithm: 'HS256' })).toThrow();
  });

  it('exits non-zero with a one-line reason on bad configuration or arguments', async () => {
    const badEnv = await cli(['migrate'], { ...secrets, PORT: 'abc', SYNC_BATCH_SIZE: '-1' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr.trim().split('\n')).toHaveLength(1);
    expect(badEnv.stderr).toMatch(/^crm-analytics: Invalid configuration: .*PORT.*SYNC_BATCH_SIZE/);

    const production = await cli(['migrate'], { NODE_ENV: 'production' });
    expect(production.code).toBe(1);
    expect(production.stderr).toContain('JWT_SECRET is required when NODE_ENV=production');

    const badLeads = await cli(['seed', '--leads', 'many'], secrets);
    expect(badLeads.code).not.toBe(0);
    expect(badLeads.stderr).toContain('--leads must be a whole number');

    const unreachable = await cli(['migrate'], { ...secrets, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(unreachable.code).toBe(1);
    const errorLines = unreachable.stderr.trim().split('\n').filter((line) => line.startsWith('crm-analytics:'));
    expect(errorLines).toEqual([expect.stringMatching(/ECONNREFUSED/)]);
  });
});
