import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

const strong = (label: string) => `${label}-${'x'.repeat(40)}`;
const secretsFile = () => join(mkdtempSync(join(tmpdir(), 'crm-config-')), 'secrets.json');

describe('loadConfig', () => {
  it('applies the defaults of SPEC §9', () => {
    const config = loadConfig({ JWT_SECRET: 'a', CRON_JWT_SECRET: 'b' });
    expect(config).toMatchObject({
      environment: 'development',
      database: { location: { dialect: 'sqlite', url: './data/crm-analytics.sqlite' }, isEmbeddedDefault: true, poolSize: 10 },
      http: { host: '127.0.0.1', port: 3000 },
      timezone: 'UTC',
      sync: { batchSize: 500, rollingSize: 10_000, lookbackSeconds: 120, cron: null, staleAfterSeconds: 3600 },
      analytics: { engine: 'memory', pollMs: 5000 },
      logLevel: 'info',
    });
  });

  it('takes the caller\'s default log level when LOG_LEVEL is unset, and LOG_LEVEL over it', () => {
    const secrets = { JWT_SECRET: 'a', CRON_JWT_SECRET: 'b' };
    expect(loadConfig(secrets, { defaultLogLevel: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({ ...secrets, LOG_LEVEL: '' }, { defaultLogLevel: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({ ...secrets, LOG_LEVEL: 'debug' }, { defaultLogLevel: 'warn' }).logLevel).toBe('debug');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({ JWT_SECRET: 'a', CRON_JWT_SECRET: 'b' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.sync)).toBe(true);
    expect(Object.isFrozen(config.database.location)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/crm',
      DATABASE_POOL_SIZE: '4',
      HOST: '0.0.0.0',
      PORT: '8080',
      JWT_SECRET: strong('admin'),
      CRON_JWT_SECRET: strong('cron'),
      CRM_TIMEZONE: 'America/Mexico_City',
      SYNC_BATCH_SIZE: '250',
      SYNC_ROLLING_SIZE: '5000',
      SYNC_LOOKBACK_SECONDS: '60',
      SYNC_CRON: '*/5 * * * *',
      SYNC_STALE_AFTER_SECONDS: '900',
      ANALYTICS_ENGINE: 'SQL',
      ANALYTICS_POLL_MS: '0',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      environment: 'production',
      database: { location: { dialect: 'postgres', url: 'postgres://u:p@db:5432/crm' }, poolSize: 4, isEmbeddedDefault: false },
      http: { host: '0.0.0.0', port: 8080 },
      timezone: 'America/Mexico_City',
      sync: { batchSize: 250, rollingSize: 5000, lookbackSeconds: 60, cron: '*/5 * * * *', staleAfterSeconds: 900 },
      analytics: { engine: 'sql', pollMs: 0 },
      logLevel: 'debug',
      auth: { generatedSecretsFile: null },
    });
  });

  it.each([
    ['mysql://root@127.0.0.1:3306/crm', 'mysql', 'mysql://root@127.0.0.1:3306/crm'],
    ['mariadb://root@127.0.0.1/crm', 'mysql', 'mysql://root@127.0.0.1/crm'],
    ['postgresql://localhost/crm', 'postgres', 'postgresql://localhost/crm'],
    ['sqlite:./data/x.sqlite', 'sqlite', './data/x.sqlite'],
    ['sqlite:///var/lib/crm.sqlite', 'sqlite', '/var/lib/crm.sqlite'],
    ['/tmp/crm.sqlite', 'sqlite', '/tmp/crm.sqlite'],
  ])('understands DATABASE_URL %s', (url, dialect, driverUrl) => {
    const config = loadConfig({ DATABASE_URL: url, JWT_SECRET: 'a', CRON_JWT_SECRET: 'b' });
    expect(config.database.location).toEqual({ dialect, url: driverUrl });
  });

  it('lists every bad variable in one message', () => {
    const attempt = () =>
      loadConfig({
        PORT: 'eighty',
        SYNC_BATCH_SIZE: '0',
        DATABASE_POOL_SIZE: '1',
        CRM_TIMEZONE: 'Mars/Olympus',
        LOG_LEVEL: 'loud',
        ANALYTICS_ENGINE: 'gpu',
        ANALYTICS_POLL_MS: '-1',
        SYNC_STALE_AFTER_SECONDS: '0',
        DATABASE_URL: 'oracle://db',
        JWT_SECRET: 'same',
        CRON_JWT_SECRET: 'same',
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    for (const name of ['PORT', 'SYNC_BATCH_SIZE', 'DATABASE_POOL_SIZE', 'CRM_TIMEZONE', 'LOG_LEVEL', 'ANALYTICS_ENGINE', 'ANALYTICS_POLL_MS', 'SYNC_STALE_AFTER_SECONDS', 'DATABASE_URL', 'CRON_JWT_SECRET']) {
      expect(message).toContain(name);
    }
    expect(message.split('\n')).toHaveLength(1);
  });

  it('refuses missing, weak or equal secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required.*CRON_JWT_SECRET is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short', CRON_JWT_SECRET: strong('cron') })).toThrow(
      /JWT_SECRET is too weak/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: strong('s'), CRON_JWT_SECRET: strong('s') })).toThrow(
      /CRON_JWT_SECRET must differ/,
    );
  });

  it('generates development secrets once and keeps them in a private file', () => {
    const file = secretsFile();
    const first = loadConfig({}, { devSecretsFile: file });
    const second = loadConfig({}, { devSecretsFile: file });
    expect(first.auth.jwtSecret).toHaveLength(64);
    expect(first.auth.jwtSecret).not.toBe(first.auth.cronJwtSecret);
    expect(second.auth).toEqual(first.auth);
    expect(first.auth.generatedSecretsFile).toBe(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      jwtSecret: first.auth.jwtSecret,
      cronJwtSecret: first.auth.cronJwtSecret,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ PORT: '', SYNC_CRON: ' ', JWT_SECRET: 'a', CRON_JWT_SECRET: 'b' });
    expect(config.http.port).toBe(3000);
    expect(config.sync.cron).toBeNull();
  });
  it('reads CORS_ORIGINS: none by default, origins normalised, anything but origins refused', () => {
    const secrets = { JWT_SECRET: 'a', CRON_JWT_SECRET: 'b' };
    expect(loadConfig(secrets).http.corsOrigins).toEqual([]);
    expect(
      loadConfig({ ...secrets, CORS_ORIGINS: 'https://CRM.example.com/, http://localhost:5173 ,https://crm.example.com:443' }).http.corsOrigins,
    ).toEqual(['https://crm.example.com', 'http://localhost:5173']);
    for (const bad of ['*', 'crm.example.com', 'https://crm.example.com/app', 'ftp://files.example', 'https://*.example.com', 'https://user:pw@crm.example.com', 'null', 'https://crm.example.com?a=1', 'https://a.example,,https://b.example']) {
      expect(() => loadConfig({ ...secrets, CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS must list origins/);
    }
  });
});
