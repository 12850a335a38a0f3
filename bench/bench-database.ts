/**
 * The databases the benchmarks keep between runs: one per purpose, dialect and size, seeded once.
 * SQLite files live in data/bench/; on MariaDB/PostgreSQL a database of its own on the servers of
 * BENCH_MYSQL_URL / BENCH_POSTGRES_URL (default: the test servers).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Kysely } from 'kysely';
import type { Application } from '../src/app/application.js';
import type { Database } from '../src/db/schema.js';
import { migrateToLatest } from '../src/db/migrations/migrate.js';
import { isCrmEmpty } from '../src/demo/seed-demo-crm.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The URL of the bench database for `purpose` (sync, load, engine …) at `leads` leads, created
 * empty when it does not exist yet.
 */
export async function benchDatabaseUrl(purpose: string, dialect: string, leads: number): Promise<string> {
  const name = `crm_bench_${purpose}_${leads}`;
  if (dialect === 'sqlite') {
    mkdirSync(`${ROOT}data/bench`, { recursive: true });
    return `${ROOT}data/bench/${purpose}-${leads}.sqlite`;
  }
  if (dialect === 'mysql') {
    const admin = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
    const connection = await mysql.createConnection(admin);
    await connection.query(`create database if not exists \`${name}\` character set utf8mb4 collate utf8mb4_bin`);
    await connection.end();
    return Object.assign(new URL(admin), { pathname: `/${name}` }).toString();
  }
  if (dialect === 'postgres') {
    const admin = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name}"`);
    await client.end();
    return Object.assign(new URL(admin), { pathname: `/${name}` }).toString();
  }
  throw new Error(`--dialect must be sqlite, mysql or postgres, got "${dialect}"`);
}

/**
 * Migrates the application's database and, when its CRM is empty, seeds `leads` leads with
 * `crm-analytics seed` in a child process (so the seeder's memory does not count in the bench).
 * `seedArgs` adds options such as `--now`.
 */
export async function seedBenchCrmOnce(
  app: Application,
  env: Record<string, string>,
  leads: number,
  seedArgs: readonly string[] = [],
): Promise<void> {
  await migrateToLatest(app.database, { sourceSchema: true });
  if (!(await isCrmEmpty(app.database))) return;
  process.stdout.write(`seeding ${leads.toLocaleString('en-US')} leads (once; kept for later runs)…\n`);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  execFileSync(process.execPath, ['--import', tsx, `${ROOT}src/cli/run.ts`, 'seed', '--leads', String(leads), ...seedArgs], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
}

/** The secrets every benchmark's application and server share (they sign the benches' own tokens). */
export const BENCH_SECRETS = {
  JWT_SECRET: 'bench-admin-secret-0123456789abcdef',
  CRON_JWT_SECRET: 'bench-cron-secret-0123456789abcdef',
} as const;

/** The id of the salesman, or locale, with the most leads: a filter over a large share of the table. */
export async function busiestId(db: Kysely<Database>, column: 'salesman_id' | 'locale_id'): Promise<number> {
  const row = await db
    .selectFrom('crm_analytics_leads')
    .select((eb) => [column, eb.fn.countAll().as('leads')])
    .where(column, 'is not', null)
    .groupBy(column)
    .orderBy('leads', 'desc')
    .executeTakeFirstOrThrow();
  return Number(row[column]);
}
