/**
 * Stage history benchmark (docs/benchmarks.md, "Stage history"): the sync with
 * crm_analytics_stage_visits (a full build, then an incremental run: 1,000 leads given a new
 * follow-up + the 10,000 rolling), then `GET …/stages`'s computation for each single filter over
 * all time on the memory engine and the SQL engine side by side, and the memory per visit.
 *
 *   npm run bench:stages                                    # SQLite, 1,000,000 leads
 *   npm run bench:stages -- --leads 100000 --dialect mysql  # or postgres
 *   options: --leads N  --dialect D  --memory-runs R (30)  --sql-runs R (3)  --skip-sync
 *
 * The CRM is seeded once per size (`crm-analytics seed`, dated today, in a child process) and kept
 * in data/bench/stages-N.sqlite (or the database crm_bench_stages_N).
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createApplication } from '../src/app/application.js';
import { loadConfig } from '../src/config/config.js';
import { databaseNow } from '../src/db/database-clock.js';
import { planAnalytics } from '../src/domain/analytics-plan.js';
import type { AnalyticsQuery } from '../src/domain/analytics-query.js';
import { computeStageHistoryOfStore } from '../src/engine/memory/memory-stage-history.js';
import { createMemoryStageHistoryEngine } from '../src/engine/memory/memory-stage-history-engine.js';
import { stageValueOrdersBytes } from '../src/engine/memory/stage-value-orders.js';
import { stageVisitStoreBytes } from '../src/engine/memory/stage-visit-store.js';
import { createSqlStageHistoryEngine } from '../src/engine/sql/sql-stage-history.js';
import type { StageHistoryEngine } from '../src/engine/stage-history-engine.js';
import { createLogger } from '../src/logging/logger.js';
import type { SyncResult } from '../src/sync/sync-events.js';
import { syncLog } from '../src/sync/sync-log.js';
import { BENCH_SECRETS, benchDatabaseUrl, seedBenchCrmOnce } from './bench-database.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    dialect: { type: 'string', default: 'sqlite' },
    'memory-runs': { type: 'string', default: '30' },
    'sql-runs': { type: 'string', default: '3' },
    'skip-sync': { type: 'boolean', default: false },
  },
});
const leads = Number(args.leads);
const dialect = args.dialect;
const memoryRuns = Number(args['memory-runs']);
const sqlRuns = Number(args['sql-runs']);
const DIRTY = 1000;

const url = await benchDatabaseUrl('stages', dialect, leads);
const env = { DATABASE_URL: url, ...BENCH_SECRETS, LOG_LEVEL: 'warn' };
const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));

try {
  await seedBenchCrmOnce(app, env, leads);
  say(`stage history bench: ${dialect}, ${n(leads)} leads`);
  if (!args['skip-sync']) await benchSync();
  await benchEndpoint();
  say(`peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
} finally {
  await app.close();
}

async function benchSync(): Promise<void> {
  const { db } = app.database;
  for (const table of ['crm_analytics_leads', 'crm_analytics_stage_visits', 'crm_analytics_sync_log', 'crm_analytics_locks', 'crm_analytics_snapshots'] as const) {
    await db.deleteFrom(table).execute();
  }
  const full = await timed(() => app.sync.run());
  const visits = Number((await db.selectFrom('crm_analytics_stage_visits').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  say(`full build:  ${seconds(full.ms)} (the run itself ${runSeconds(full.result)}, then the snapshot rebuild); ${n(visits)} visits`);
  // D distinct leads get a new follow-up stamped now, one stage further: D dirty leads whose visits change.
  const picked = await db
    .selectFrom('crm_analytics_leads')
    .select(['record_type', 'record_id', 'stage_id'])
    .orderBy(sql`record_id * 7919 % 1000003`)
    .limit(DIRTY)
    .execute();
  const now = await databaseNow(db, app.database.dialect);
  const rows = picked.map((key) => ({
    company_id: key.record_type === 'company' ? key.record_id : null,
    prospect_id: key.record_type === 'prospect' ? key.record_id : null,
    stage_id: (key.stage_id % 6) + 1,
    product: null,
    monthly_shipments: 1,
    account_value: 1,
    is_won: 0,
    is_lost: 0,
    won_at: null,
    created_at: now,
  }));
  for (let start = 0; start < rows.length; start += 200) await db.insertInto('follow_up_data').values(rows.slice(start, start + 200)).execute();
  const incremental = await timed(() => app.sync.run());
  const result = incremental.result;
  const counts = result.skipped ? 'skipped' : `dirty ${n(result.dirtyCount)}, rolling ${n(result.rollingCount)}, upserted ${n(result.upsertedCount)}`;
  say(`incremental: ${seconds(incremental.ms)} (the run itself ${runSeconds(result)}); ${counts}`);
}

async function benchEndpoint(): Promise<void> {
  const memory = app.memoryEngine;
  if (memory === null) throw new Error('ANALYTICS_ENGINE must be memory');
  const loadStarted = performance.now();
  await memory.refresh();
  const status = memory.status();
  say(`memory store loaded in ${seconds(performance.now() - loadStarted)} (leads and visits): ${n(status.leads)} leads, ${n(status.bytesPerLead ?? 0)} bytes a lead`);
  const visits = memory.currentVisits();
  if (visits !== null) {
    const bytes = stageVisitStoreBytes(visits);
    say(`visit store: ${n(visits.size)} visits, ${(bytes / 1_048_576).toFixed(1)} MiB = ${(bytes / visits.size).toFixed(1)} bytes a visit (offsets per lead included)`);
    const orderBytes = stageValueOrdersBytes(visits.orders);
    say(`  of which the sorted values per stage: ${(orderBytes / 1_048_576).toFixed(1)} MiB = ${(orderBytes / visits.size).toFixed(1)} bytes a visit`);
  }
  const sqlEngine = createSqlStageHistoryEngine(app.database.db, app.database.dialect.statements, syncLog);
  const refuse: StageHistoryEngine = { stageHistory: () => Promise.reject(new Error('the memory engine did not answer')) };
  const memoryEngine = createMemoryStageHistoryEngine(memory, refuse);
  const stages = await app.reference.stageRows();
  const queries: [string, AnalyticsQuery][] = [
    ['no filter', {}],
    ['localeIds=1', { localeIds: [1] }],
    ['salesman=3', { salesman: 3 }],
    ['tier=2', { tiers: [2] }],
    [`stage=${stages[3]?.stage_name ?? 'propuesta'}`, { stage: stages[3]?.stage_name ?? 'propuesta' }],
    ['stage=won', { stage: 'won' }],
    ['product=packageContent.electronics', { product: 'packageContent.electronics' }],
  ];
  // Calibration on a shared machine: the dashboard payload's all-time computation on the same
  // memory store in the same run (docs/benchmarks.md gives it 19–23 ms at 1,000,000 on a quiet one).
  const payloadTimes = await times(memoryRuns, () => memory.compute(planAnalytics({}, 'UTC'), Date.now()));
  say(`calibration: the dashboard payload, all time, memory engine: p50 ${ms(percentile(payloadTimes, 50))} ms, p95 ${ms(percentile(payloadTimes, 95))} ms`);
  say('');
  say('| filter (all time) | memory, computed: p50 | p95 | by selection alone: p50 | p95 | memory, served (answer kept per store): p50 | SQL p50 |');
  say('|---|---|---|---|---|---|---|');
  for (const [label, query] of queries) {
    const filter = planAnalytics(query, 'UTC').current;
    const now = Date.now();
    // The computation itself (what a filter costs the first time it is asked after a sync), then
    // the engine as requests meet it (the answer is kept per store and filter).
    const loaded = memory.currentStore();
    const visitsNow = memory.currentVisits();
    if (loaded === null || visitsNow === null) throw new Error('no store loaded');
    const computeTimes = await times(memoryRuns, () => Promise.resolve(computeStageHistoryOfStore(loaded, visitsNow, filter, stages)));
    // The same, every value gathered and selected as before the sorted orders (same run, same load).
    const selectTimes = await times(memoryRuns, () => Promise.resolve(computeStageHistoryOfStore(loaded, visitsNow, filter, stages, true)));
    const memoryTimes = await times(memoryRuns, () => memoryEngine.stageHistory(filter, stages, now));
    const sqlTimes = sqlRuns > 0 ? await times(sqlRuns, () => sqlEngine.stageHistory(filter, stages, now)) : null;
    say(
      `| ${label} | ${ms(percentile(computeTimes, 50))} ms | ${ms(percentile(computeTimes, 95))} ms | ${ms(percentile(selectTimes, 50))} ms | ${ms(percentile(selectTimes, 95))} ms | ${ms(percentile(memoryTimes, 50))} ms | ${sqlTimes ? `${ms(percentile(sqlTimes, 50))} ms` : '–'} |`,
    );
  }
}

async function times(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  await work(); // warm-up
  const result: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await work();
    result.push(performance.now() - started);
  }
  return result.sort((a, b) => a - b);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function timed(work: () => Promise<SyncResult>): Promise<{ ms: number; result: SyncResult }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

function runSeconds(result: SyncResult): string {
  return result.skipped ? 'skipped' : seconds(result.durationMs);
}
