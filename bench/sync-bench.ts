/**
 * Sync benchmark (docs/benchmarks.md, "Sync"): the full build of N generated leads, then an
 * incremental run with D dirty leads and the rolling refresh, with wall times and peak RSS.
 *
 *   npm run bench:sync                                   # SQLite, 1,000,000 leads
 *   npm run bench:sync -- --leads 100000 --dialect mysql # or postgres
 *   options: --leads N  --dialect sqlite|mysql|postgres  --dirty D (1000)  --rolling R (10000)
 *
 * The CRM is seeded once per size by `crm-analytics seed` in a child process (so its memory does
 * not count here) and kept: data/bench/sync-N.sqlite, or the database crm_bench_sync_N on the
 * servers of BENCH_MYSQL_URL / BENCH_POSTGRES_URL (default: the test servers). Each run empties
 * the service's tables first, so the first sync is a full build.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createApplication } from '../src/app/application.js';
import { loadConfig } from '../src/config/config.js';
import { databaseNow } from '../src/db/database-clock.js';
import { createLogger } from '../src/logging/logger.js';
import type { SyncResult } from '../src/sync/sync-events.js';
import { BENCH_SECRETS, benchDatabaseUrl, seedBenchCrmOnce } from './bench-database.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    dialect: { type: 'string', default: 'sqlite' },
    dirty: { type: 'string', default: '1000' },
    rolling: { type: 'string', default: '10000' },
  },
});
const leads = Number(args.leads);
const dirty = Number(args.dirty);
const rolling = Number(args.rolling);
const dialect = args.dialect;
const SEED_NOW = '2026-06-01T00:00:00Z';

const url = await benchDatabaseUrl('sync', dialect, leads);
const env = {
  DATABASE_URL: url,
  ...BENCH_SECRETS,
  SYNC_ROLLING_SIZE: String(rolling),
  LOG_LEVEL: 'warn',
};
const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

try {
  await seedBenchCrmOnce(app, env, leads, ['--now', SEED_NOW]);
  for (const table of ['crm_analytics_leads', 'crm_analytics_sync_log', 'crm_analytics_locks'] as const) {
    await app.database.db.deleteFrom(table).execute();
  }

  say(`sync bench: ${dialect}, ${leads.toLocaleString('en-US')} leads, SYNC_BATCH_SIZE ${app.config.sync.batchSize}, SYNC_ROLLING_SIZE ${rolling}`);
  const full = await timed(() => app.sync.run());
  say(`full build:  ${seconds(full.ms)}  ${describe(full.result)}${runTime(full.result)}`);

  // D distinct leads get a comment stamped now: exactly D dirty records for the next run.
  const picked = await app.database.db
    .selectFrom('crm_analytics_leads')
    .select(['record_type', 'record_id'])
    .orderBy(sql`record_id * 7919 % 1000003`)
    .limit(dirty)
    .execute();
  const now = await databaseNow(app.database.db, app.database.dialect);
  const companyComments = picked.filter((key) => key.record_type === 'company');
  const prospectComments = picked.filter((key) => key.record_type === 'prospect');
  if (companyComments.length > 0) {
    await app.database.db
      .insertInto('follow_up_comments')
      .values(companyComments.map((key) => ({ company_id: key.record_id, salesman_id: null, comment: 'bench', created_at: now })))
      .execute();
  }
  if (prospectComments.length > 0) {
    await app.database.db
      .insertInto('prospect_follow_up_comments')
      .values(prospectComments.map((key) => ({ prospect_id: key.record_id, salesman_id: null, comment: 'bench', created_at: now })))
      .execute();
  }

  const incremental = await timed(() => app.sync.run());
  say(`incremental: ${seconds(incremental.ms)}  ${describe(incremental.result)}${runTime(incremental.result)}`);
  say(`peak RSS:    ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
} finally {
  await app.close();
}

async function timed(work: () => Promise<SyncResult>): Promise<{ ms: number; result: SyncResult }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** The run alone (its log's duration_ms); the rest of the call is the listeners: the snapshot rebuild. */
function runTime(result: SyncResult): string {
  return result.skipped ? '' : `; the run itself ${seconds(result.durationMs)}, then the snapshot rebuild`;
}

function describe(result: SyncResult): string {
  if (result.skipped) return 'skipped (another run held the lock)';
  const n = (value: number) => value.toLocaleString('en-US');
  return `dirty ${n(result.dirtyCount)}, rolling ${n(result.rollingCount)}, upserted ${n(result.upsertedCount)}, deleted ${n(result.deletedCount)}`;
}
