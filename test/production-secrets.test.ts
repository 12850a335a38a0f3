import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_PRODUCTION_SECRET_BYTES, loadConfig } from '../src/config/config.js';
import { childLines } from './support/child-lines.js';
import { runCli, spawnCli } from './support/run-cli.js';

/**
 * With NODE_ENV=production, start-up refuses secrets shorter than 32 bytes or equal to each other
 * (SPEC §9, RFC 7518 §3.2): in loadConfig, and through every command of the CLI.
 */
const bytes = (count: number, fill = 'k') => fill.repeat(count);
const ADMIN_32 = `admin-${bytes(MIN_PRODUCTION_SECRET_BYTES - 6)}`;
const CRON_32 = `cron-${bytes(MIN_PRODUCTION_SECRET_BYTES - 5)}`;

describe('production secrets in loadConfig', () => {
  const production = (env: Record<string, string>) => () => loadConfig({ NODE_ENV: 'production', ...env });

  it('accepts two different secrets of 32 bytes', () => {
    expect(Buffer.byteLength(ADMIN_32)).toBe(32);
    expect(production({ JWT_SECRET: ADMIN_32, CRON_JWT_SECRET: CRON_32 })().auth).toMatchObject({ jwtSecret: ADMIN_32, cronJwtSecret: CRON_32, generatedSecretsFile: null });
  });

  it('refuses 31 bytes, counting bytes rather than characters', () => {
    expect(production({ JWT_SECRET: ADMIN_32.slice(1), CRON_JWT_SECRET: CRON_32 })).toThrow(/JWT_SECRET is too weak: at least 32 bytes/);
    expect(production({ JWT_SECRET: ADMIN_32, CRON_JWT_SECRET: CRON_32.slice(1) })).toThrow(/CRON_JWT_SECRET is too weak/);
    // 16 two-byte characters are 32 bytes; 31 ASCII characters are not.
    expect(production({ JWT_SECRET: 'ñ'.repeat(16), CRON_JWT_SECRET: CRON_32 })().auth.jwtSecret).toBe('ñ'.repeat(16));
  });

  it('refuses equal secrets, however strong, and missing ones, without generating any', () => {
    expect(production({ JWT_SECRET: ADMIN_32, CRON_JWT_SECRET: ADMIN_32 })).toThrow(/CRON_JWT_SECRET must differ from JWT_SECRET/);
    expect(production({ JWT_SECRET: ADMIN_32 })).toThrow(/CRON_JWT_SECRET is required when NODE_ENV=production/);
  });
});

describe('production secrets through the command line', () => {
  let workdir: string;
  beforeAll(() => {
    workdir = mkdtempSync(join(tmpdir(), 'crm-production-'));
  });
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  const env = (secrets: Record<string, string>) => ({ NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', ...secrets });

  const expectRefused = async (args: string[], secrets: Record<string, string>, reason: RegExp) => {
    const result = await runCli(args, { env: env(secrets), cwd: workdir });
    expect(result.code, args.join(' ')).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^crm-analytics: Invalid configuration: /);
    expect(lines[0]).toMatch(reason);
  };

  it.each([
    ['no secrets', {}, /JWT_SECRET is required when NODE_ENV=production.*CRON_JWT_SECRET is required/],
    ['a 31-byte JWT_SECRET', { JWT_SECRET: ADMIN_32.slice(1), CRON_JWT_SECRET: CRON_32 }, /JWT_SECRET is too weak: at least 32 bytes/],
    ['a 31-byte CRON_JWT_SECRET', { JWT_SECRET: ADMIN_32, CRON_JWT_SECRET: CRON_32.slice(1) }, /CRON_JWT_SECRET is too weak/],
    ['equal secrets', { JWT_SECRET: ADMIN_32, CRON_JWT_SECRET: ADMIN_32 }, /CRON_JWT_SECRET must differ from JWT_SECRET/],
  ])('serve refuses to start with %s: exit 1, one line', async (_case, secrets, reason) => {
    await expectRefused(['serve'], secrets, reason);
  });

  it('so do sync and token, which would use or sign with the secrets', async () => {
    const weak = { JWT_SECRET: 'short', CRON_JWT_SECRET: CRON_32 };
    await Promise.all([expectRefused(['sync'], weak, /JWT_SECRET is too weak/), expectRefused(['token', 'admin'], weak, /JWT_SECRET is too weak/)]);
  });

  it('serve starts with two different secrets of 32 bytes', async () => {
    const child = spawnCli(['serve'], { env: env({ JWT_SECRET: ADMIN_32, CRON_JWT_SECRET: CRON_32 }), cwd: workdir });
    const stderr = childLines(child, { stream: 'stderr' });
    try {
      expect(await stderr.waitFor((line) => line.startsWith('CRM Analytics is listening on http://127.0.0.1:'))).toBeTruthy();
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    }
  });
});
