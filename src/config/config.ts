import Joi from 'joi';
import { DEFAULT_SQLITE_PATH, parseDatabaseUrl, type DatabaseLocation } from '../db/database-url.js';
import { isKnownTimeZone } from '../domain/calendar.js';
import { cronExpressionProblem } from './cron-expression.js';
import { DEFAULT_DEV_SECRETS_FILE, loadOrCreateDevSecrets } from './dev-secrets.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type Environment = 'production' | 'development' | 'test';

/** The whole configuration, read and validated once at start (SPEC §9), then frozen. */
export interface AppConfig {
  readonly environment: Environment;
  readonly database: {
    readonly location: DatabaseLocation;
    readonly poolSize: number;
    /** No DATABASE_URL was given: the embedded SQLite file under ./data/ that `npm start` fills. */
    readonly isEmbeddedDefault: boolean;
  };
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Browser origins allowed to call the API from another origin (CORS); empty = none, the default. */
    readonly corsOrigins: readonly string[];
  };
  readonly auth: {
    readonly jwtSecret: string;
    readonly cronJwtSecret: string;
    /** Where generated secrets are kept, when they were not given (never in production). */
    readonly generatedSecretsFile: string | null;
  };
  /** IANA zone in which `startDate`/`endDate` and the presets' "today" are read. */
  readonly timezone: string;
  readonly sync: {
    readonly batchSize: number;
    readonly rollingSize: number;
    readonly lookbackSeconds: number;
    /** Cron expression of the in-process schedule; null = none. */
    readonly cron: string | null;
    /** Data older than this (now − started_at of the latest ok run) is stale: /health and the dashboard say so. */
    readonly staleAfterSeconds: number;
  };
  readonly analytics: {
    /** Which engine computes live payloads: the in-memory columnar store (default) or SQL. */
    readonly engine: AnalyticsEngineKind;
    /** How often the memory engine looks for a sync run by another process, in ms; 0 = never. */
    readonly pollMs: number;
  };
  readonly logLevel: LogLevel;
}

export const ANALYTICS_ENGINES = ['memory', 'sql'] as const;
export type AnalyticsEngineKind = (typeof ANALYTICS_ENGINES)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Secrets shorter than this are refused in production (RFC 7518 §3.2: HS256 keys ≥ 256 bits). */
export const MIN_PRODUCTION_SECRET_BYTES = 32;

/**
 * `text` as the origin a browser sends (`scheme://host[:port]`, lowercase, default port dropped),
 * or null when it is not one: http or https, no path, query, credentials or wildcard. An operator
 * lists the dashboards that may call the API.
 */
function corsOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const plain = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !plain || text.includes('*')) return null;
  return url.origin;
}

const integer = (min: number, max: number, fallback: number) => Joi.number().integer().min(min).max(max).default(fallback);

/** The environment after validation: defaults applied, numbers converted. */
interface ValidatedEnv {
  NODE_ENV: Environment;
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  HOST: string;
  PORT: number;
  JWT_SECRET?: string;
  CRON_JWT_SECRET?: string;
  CRM_TIMEZONE: string;
  SYNC_BATCH_SIZE: number;
  SYNC_ROLLING_SIZE: number;
  SYNC_LOOKBACK_SECONDS: number;
  SYNC_CRON?: string;
  SYNC_STALE_AFTER_SECONDS: number;
  CORS_ORIGINS?: string[];
  ANALYTICS_ENGINE: AnalyticsEngineKind;
  ANALYTICS_POLL_MS: number;
  LOG_LEVEL?: LogLevel;
}

const envSchema = Joi.object<ValidatedEnv>({
  NODE_ENV: Joi.string().valid('production', 'development', 'test').default('development'),
  DATABASE_URL: Joi.string().default(DEFAULT_SQLITE_PATH),
  // The sync pins one connection for its lock while its listeners use the pool: at least 2.
  DATABASE_POOL_SIZE: integer(2, 500, 10),
  HOST: Joi.string().hostname().default('127.0.0.1'),
  PORT: integer(0, 65535, 3000),
  JWT_SECRET: Joi.string(),
  CRON_JWT_SECRET: Joi.string(),
  CRM_TIMEZONE: Joi.string()
    .default('UTC')
    .custom((value: string, helpers) => (isKnownTimeZone(value) ? value : helpers.error('any.invalid'))),
  SYNC_BATCH_SIZE: integer(1, 100_000, 500),
  SYNC_ROLLING_SIZE: integer(0, 100_000_000, 10_000),
  SYNC_LOOKBACK_SECONDS: integer(0, 7 * 24 * 3600, 120),
  SYNC_CRON: Joi.string()
    .trim()
    .custom((value: string, helpers) => {
      const problem = cronExpressionProblem(value);
      return problem === null ? value : helpers.message({ custom: `SYNC_CRON is not a cron expression: ${problem}` });
    }),
  SYNC_STALE_AFTER_SECONDS: integer(1, 365 * 24 * 3600, 3600),
  CORS_ORIGINS: Joi.string().custom((value: string, helpers) => {
    const entries = value.split(',').map((entry) => entry.trim());
    const bad = entries.filter((entry) => corsOrigin(entry) === null);
    if (bad.length > 0) {
      return helpers.message({
        custom: `CORS_ORIGINS must list origins such as https://crm.example.com, comma-separated (not: ${bad.map((origin) => `"${origin}"`).join(', ')})`,
      });
    }
    return [...new Set(entries.map(corsOrigin))];
  }),
  ANALYTICS_ENGINE: Joi.string()
    .lowercase()
    .valid(...ANALYTICS_ENGINES)
    .default('memory'),
  ANALYTICS_POLL_MS: integer(0, 24 * 3600 * 1000, 5000),
  LOG_LEVEL: Joi.string()
    .lowercase()
    .valid(...LOG_LEVELS),
})
  .unknown(true)
  .prefs({ abortEarly: false, convert: true, errors: { wrap: { label: false } } });

export interface LoadConfigOptions {
  /** Where generated development secrets live; tests point this at a temporary file. */
  readonly devSecretsFile?: string;
  /** The level when LOG_LEVEL is unset (default `info`): one-shot commands print their own lines and log only warnings. */
  readonly defaultLogLevel?: LogLevel;
}

type Env = Readonly<Record<string, string | undefined>>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const nested of Object.values(value)) deepFreeze(nested);
    Object.freeze(value);
  }
  return value;
}

function secretProblems(env: Environment, jwtSecret?: string, cronJwtSecret?: string): string[] {
  const problems: string[] = [];
  if (jwtSecret !== undefined && jwtSecret === cronJwtSecret) {
    problems.push('CRON_JWT_SECRET must differ from JWT_SECRET');
  }
  if (env !== 'production') return problems;
  for (const [name, secret] of [
    ['JWT_SECRET', jwtSecret],
    ['CRON_JWT_SECRET', cronJwtSecret],
  ] as const) {
    if (secret === undefined) problems.push(`${name} is required when NODE_ENV=production`);
    else if (Buffer.byteLength(secret, 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
      problems.push(`${name} is too weak: at least ${MIN_PRODUCTION_SECRET_BYTES} bytes when NODE_ENV=production`);
    }
  }
  return problems;
}

/**
 * Validates the environment into a frozen AppConfig. Every bad variable is reported in one
 * ConfigError, so an operator fixes them all in one go. Empty values count as unset.
 */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): AppConfig {
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = envSchema.validate(given);
  // Joi types the value as any when validation failed; the schema above gives it this shape.
  const value = result.value as ValidatedEnv;
  const error = result.error;
  const problems = error ? error.details.map((detail) => detail.message) : [];

  let location: DatabaseLocation | undefined;
  try {
    location = parseDatabaseUrl(value.DATABASE_URL);
  } catch (urlError) {
    problems.push((urlError as Error).message);
  }

  const environment = value.NODE_ENV;
  problems.push(...secretProblems(environment, value.JWT_SECRET, value.CRON_JWT_SECRET));

  if (problems.length > 0 || location === undefined) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }

  let jwtSecret = value.JWT_SECRET;
  let cronJwtSecret = value.CRON_JWT_SECRET;
  let generatedSecretsFile: string | null = null;
  if (jwtSecret === undefined || cronJwtSecret === undefined) {
    generatedSecretsFile = options.devSecretsFile ?? DEFAULT_DEV_SECRETS_FILE;
    const generated = loadOrCreateDevSecrets(generatedSecretsFile);
    jwtSecret ??= generated.jwtSecret;
    cronJwtSecret ??= generated.cronJwtSecret;
    if (jwtSecret === cronJwtSecret) {
      throw new ConfigError('Invalid configuration: CRON_JWT_SECRET must differ from JWT_SECRET');
    }
  }

  return deepFreeze<AppConfig>({
    environment,
    database: {
      location,
      poolSize: value.DATABASE_POOL_SIZE,
      isEmbeddedDefault: given.DATABASE_URL === undefined,
    },
    http: { host: value.HOST, port: value.PORT, corsOrigins: value.CORS_ORIGINS ?? [] },
    auth: { jwtSecret, cronJwtSecret, generatedSecretsFile },
    timezone: value.CRM_TIMEZONE,
    sync: {
      batchSize: value.SYNC_BATCH_SIZE,
      rollingSize: value.SYNC_ROLLING_SIZE,
      lookbackSeconds: value.SYNC_LOOKBACK_SECONDS,
      cron: value.SYNC_CRON ?? null,
      staleAfterSeconds: value.SYNC_STALE_AFTER_SECONDS,
    },
    analytics: { engine: value.ANALYTICS_ENGINE, pollMs: value.ANALYTICS_POLL_MS },
    logLevel: value.LOG_LEVEL ?? options.defaultLogLevel ?? 'info',
  });
}
