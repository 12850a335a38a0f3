/**
 * Trends benchmark (docs/benchmarks.md, "Trends"): `GET /prospects/client-analytics/trends` as the
 * trends service computes it (plan, engine, assembly), the memory engine and the SQL engine side by
 * side on the same generated CRM. The target: week buckets over all time at 1,000,000 leads,
 * unfiltered and under any single filter, p50 ≤ 30 ms on the memory engine.
 *
 *   npm run bench:trends                                   # SQLite, 1,000,000 leads
 *   npm run bench:trends -- --leads 100000 --sql-runs 1    # smaller, fewer SQL runs
 *   options: --leads N  --sql-runs R (3)  --memory-runs R (50)
 *
 * The CRM is the engine bench's (data/bench/engine-N.sqlite: seeded and synced once, kept).
 */
import { parseArgs } from 'node:util';
import { createApplication } from '../src/app/application.js';
import { createTrendsService, type TrendsService } from '../src/analytics/trends-service.js';
import { loadConfig } from '../src/config/config.js';
import { planAnalytics } from '../src/domain/analytics-plan.js';
import type { TrendInterval } from '../src/domain/trend-buckets.js';
import type { TrendQuery } from '../src/domain/trends.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import { createMemoryTrendEngine } from '../src/engine/memory/memory-trends.js';
import { createSqlTrendEngine } from '../src/engine/sql/sql-trends.js';
import { createLogger } from '../src/logging/logger.js';
import { syncLog } from '../src/sync/sync-log.js';
import { BENCH_SECRETS, ROOT, benchDatabaseUrl, busiestId, seedBenchCrmOnce } from './bench-database.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    'sql-runs': { type: 'string', default: '3' },
    /** 0 skips the SQL engine (a quick look at the memory engine alone). */
    'memory-runs': { type: 'string', default: '50' },
  },
});
const leads = Number(args.leads);
const sqlRuns = Number(args['sql-runs']);
const memoryRuns = Number(args['memory-runs']);
const say = (line: string) => process.stdout.write(`${line}\n`);
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Wall time, and this process's CPU time (user + system): on a machine whose 2 cores are shared,
 * the wall time of a computation that never waits counts the time other processes held the CPU;
 * its CPU time does not.
 */
async function timings(service: TrendsService, query: TrendQuery, runs: number): Promise<{ p50: number; p95: number; cpu50: number; buckets: number }> {
  const first = await service.query(query);
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    await service.query(query);
    const used = process.cpuUsage(cpuStarted);
    samples.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), cpu50: percentile(cpu, 50), buckets: first.series.length };
}

const env = {
  DATABASE_URL: await benchDatabaseUrl('engine', 'sqlite', leads),
  ...BENCH_SECRETS,
  ANALYTICS_ENGINE: 'memory',
  LOG_LEVEL: 'warn',
};
say(`\n== trends, ${n(leads)} generated leads (SQLite, ${env.DATABASE_URL.replace(ROOT, '')}) ==`);
const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
try {
  await seedBenchCrmOnce(app, env, leads);
  if ((await syncLog.latestGeneration(app.database.db)) === null) {
    say('  building crm_analytics_leads (once)…');
    await app.sync.run();
  }
  const memory = app.memoryEngine;
  if (memory === null) throw new Error('ANALYTICS_ENGINE=memory gives a memory engine');
  await memory.refresh();
  say(`memory engine: ${n(memory.status().leads)} leads loaded in ${n(memory.status().lastLoadMs ?? Number.NaN)} ms`);

  const timeZone = app.config.timezone;
  const clock = Date.now;
  const sqlTrends = createSqlTrendEngine(app.database.db, syncLog);
  const services = {
    sql: createTrendsService({ engine: sqlTrends, clock, timeZone }),
    memory: createTrendsService({ engine: createMemoryTrendEngine(memory, sqlTrends), clock, timeZone }),
  };

  const salesman = await busiestId(app.database.db, 'salesman_id');
  const locale = await busiestId(app.database.db, 'locale_id');
  const today = todayInZone(Date.now(), timeZone);
  const week = (query: Omit<TrendQuery, 'interval'>, interval: TrendInterval = 'week'): TrendQuery => ({ ...query, interval });
  const cases: [string, TrendQuery][] = [
    ['week, all time', week({})],
    [`week, localeIds=${locale}`, week({ localeIds: [locale] })],
    [`week, salesman=${salesman}`, week({ salesman })],
    ['week, tier=2', week({ tiers: [2] })],
    ['week, stage=negociacion', week({ stage: 'negociacion' })],
    ['week, stage=won', week({ stage: 'won' })],
    ['week, product=electronics', week({ product: 'packageContent.electronics' })],
    ['month, all time', week({}, 'month')],
    ['day, last30', week({ dateRange: presetRange('last30', today) }, 'day')],
  ];
  // For scale on a shared machine: the dashboard payload over all time, same engine, same moment.
  {
    const plan = planAnalytics({}, timeZone);
    await memory.compute(plan, Date.now());
    const samples: number[] = [];
    const cpu: number[] = [];
    for (let run = 0; run < memoryRuns; run += 1) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      await memory.compute(plan, Date.now());
      const used = process.cpuUsage(cpuStarted);
      samples.push(performance.now() - started);
      cpu.push((used.user + used.system) / 1000);
    }
    samples.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    say(
      `for scale, the dashboard payload (all time) on the memory engine now: p50 ${ms(percentile(samples, 50))} ms, ` +
        `p95 ${ms(percentile(samples, 95))} ms, CPU p50 ${ms(percentile(cpu, 50))} ms`,
    );
  }
  say(`time per request (plan, engine, assembly), ms; SQL: ${sqlRuns} runs, memory: ${memoryRuns} runs, after one warm-up each`);
  say(
    `  ${'case'.padEnd(28)} ${'buckets'.padStart(7)} ${'SQL p50'.padStart(9)} ${'SQL p95'.padStart(9)} ${'memory p50'.padStart(11)} ${'memory p95'.padStart(11)} ${'memory CPU p50'.padStart(15)}`,
  );
  for (const [name, query] of cases) {
    const fromSql = sqlRuns > 0 ? await timings(services.sql, query, sqlRuns) : { p50: Number.NaN, p95: Number.NaN, cpu50: Number.NaN, buckets: 0 };
    const fromMemory = await timings(services.memory, query, memoryRuns);
    say(
      `  ${name.padEnd(28)} ${String(fromMemory.buckets).padStart(7)} ${ms(fromSql.p50).padStart(9)} ${ms(fromSql.p95).padStart(9)} ` +
        `${ms(fromMemory.p50).padStart(11)} ${ms(fromMemory.p95).padStart(11)} ${ms(fromMemory.cpu50).padStart(15)}`,
    );
  }
} finally {
  await app.close();
}
