/**
 * Engine benchmark (docs/benchmarks.md, "Analytics engines"): the SQL engine and the memory engine
 * side by side on the same generated CRM, then HTTP end to end against a real `crm-analytics
 * serve` process on the memory engine.
 *
 *   npm run bench:engine                                  # SQLite, 100,000 and 1,000,000 leads
 *   npm run bench:engine -- --leads 100000 --sql-runs 3   # one size, fewer SQL runs
 *   options: --leads N[,N…]  --sql-runs R (5; 0 = the memory engine only)  --memory-runs R (50)  --connections C (4)
 *            --duration S (10, per HTTP scenario)  --port P (3591)
 *
 * Per size, the CRM is seeded once (`crm-analytics seed`, dated today, in a child process) and
 * built once by the sync; both are kept in data/bench/engine-N.sqlite. Engine cases run in this
 * process, one warm-up each, and print p50/p95 of their runs; the memory engine's load time, store
 * size and bytes per lead come from its own status. HTTP runs autocannon here against the server
 * process, whose RSS is read from /proc once its store is loaded.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createApplication, type Application } from '../src/app/application.js';
import { issueAdminToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/config.js';
import { syncLog } from '../src/sync/sync-log.js';
import { planAnalytics } from '../src/domain/analytics-plan.js';
import type { AnalyticsQuery } from '../src/domain/analytics-query.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import type { AnalyticsEngine } from '../src/engine/analytics-engine.js';
import { createSqlAnalyticsEngine } from '../src/engine/sql/sql-analytics-engine.js';
import { createLogger } from '../src/logging/logger.js';
import { startBenchServer } from './support/bench-server.js';
import { BENCH_SECRETS, ROOT, benchDatabaseUrl, busiestId, seedBenchCrmOnce } from './bench-database.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000,1000000' },
    'sql-runs': { type: 'string', default: '5' },
    'memory-runs': { type: 'string', default: '50' },
    connections: { type: 'string', default: '4' },
    duration: { type: 'string', default: '10' },
    port: { type: 'string', default: '3591' },
  },
});
const sizes = args.leads.split(',').map(Number);
const sqlRuns = Number(args['sql-runs']);
const memoryRuns = Number(args['memory-runs']);
const connections = Number(args.connections);
const duration = Number(args.duration);
const port = Number(args.port);
const say = (line: string) => process.stdout.write(`${line}\n`);
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(0));
const MiB = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function timings(engine: AnalyticsEngine, query: AnalyticsQuery, runs: number, timeZone: string): Promise<{ p50: number; p95: number }> {
  // --sql-runs 0: no SQL at all, not even the warm-up (an all-time SQL answer takes ~17 s at 3,000,000).
  if (runs === 0) return { p50: Number.NaN, p95: Number.NaN };
  const plan = planAnalytics(query, timeZone);
  await engine.compute(plan, Date.now());
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await engine.compute(plan, Date.now());
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

function queryString(query: AnalyticsQuery): string {
  const parts: string[] = [];
  if (query.dateRange) parts.push(`startDate=${query.dateRange.startDate}`, `endDate=${query.dateRange.endDate}`);
  if (query.salesman !== undefined) parts.push(`salesman=${query.salesman}`);
  if (query.tiers) parts.push(`tier=${query.tiers.join(',')}`);
  if (query.stage !== undefined) parts.push(`stage=${encodeURIComponent(query.stage)}`);
  if (query.product !== undefined) parts.push(`product=${encodeURIComponent(query.product)}`);
  return parts.join('&');
}

/** The CRM of one size: seeded and synced once, kept for later runs. */
async function prepare(leads: number, env: Record<string, string>): Promise<Application> {
  const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
  await seedBenchCrmOnce(app, env, leads);
  if ((await syncLog.latestGeneration(app.database.db)) === null) {
    say('  building crm_analytics_leads (once)…');
    await app.sync.run();
  }
  return app;
}

const startServer = (env: Record<string, string>): Promise<ChildProcess> => startBenchServer(env, port);

interface EngineHealth {
  readonly state: string;
  readonly leads: number;
  readonly lastLoadMs: number | null;
}

async function waitForMemoryStore(base: string): Promise<EngineHealth> {
  for (;;) {
    const health = (await (await fetch(`${base}/health`)).json()) as { analytics_engine?: EngineHealth };
    if (health.analytics_engine?.state === 'serving') return health.analytics_engine;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function residentMiB(pid: number, field: 'VmRSS' | 'VmHWM'): string {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${field}:`));
  return line ? `${Math.round(Number(line.replace(/\D+/g, '')) / 1024)} MiB` : 'n/a';
}

async function http(base: string, path: string, authorization: string): Promise<autocannon.Result> {
  return autocannon({ url: `${base}${path}`, connections, duration, headers: { authorization } });
}

for (const leads of sizes) {
  const env = {
    DATABASE_URL: await benchDatabaseUrl('engine', 'sqlite', leads),
    ...BENCH_SECRETS,
    ANALYTICS_ENGINE: 'memory',
    LOG_LEVEL: 'warn',
  };
  say(`\n== ${n(leads)} generated leads (SQLite, ${env.DATABASE_URL.replace(ROOT, '')}) ==`);
  const app = await prepare(leads, env);
  try {
    const memory = app.memoryEngine;
    if (memory === null) throw new Error('ANALYTICS_ENGINE=memory gives a memory engine');
    const rssBefore = process.memoryUsage().rss;
    await memory.refresh();
    const status = memory.status();
    say(
      `memory engine load: ${n(status.lastLoadMs ?? Number.NaN)} ms for ${n(status.leads)} leads; store ${MiB(status.storeBytes)} ` +
        `(${status.bytesPerLead} bytes/lead); this process's RSS +${MiB(process.memoryUsage().rss - rssBefore)}`,
    );

    const timeZone = app.config.timezone;
    const today = todayInZone(Date.now(), timeZone);
    const salesman = await busiestId(app.database.db, 'salesman_id');
    const cases: [string, AnalyticsQuery][] = [
      ['all time', {}],
      ['last30', { dateRange: presetRange('last30', today) }],
      ['6m', { dateRange: presetRange('6m', today) }],
      ['salesman (all time)', { salesman: salesman }],
      ['tier+stage (all time)', { tiers: [1, 2, 3], stage: 'negociacion' }],
      ['product (all time)', { product: 'packageContent.electronics' }],
    ];
    const sqlEngine = createSqlAnalyticsEngine(app.database.db, syncLog);
    say(`engine time per request, ms (SQL: ${sqlRuns} runs, memory: ${memoryRuns} runs, after one warm-up each)`);
    say(`  ${'case'.padEnd(24)} ${'SQL p50'.padStart(9)} ${'SQL p95'.padStart(9)} ${'memory p50'.padStart(11)} ${'memory p95'.padStart(11)}`);
    for (const [name, query] of cases) {
      const fromSql = await timings(sqlEngine, query, sqlRuns, timeZone);
      const fromMemory = await timings(memory, query, memoryRuns, timeZone);
      say(`  ${name.padEnd(24)} ${ms(fromSql.p50).padStart(9)} ${ms(fromSql.p95).padStart(9)} ${ms(fromMemory.p50).padStart(11)} ${ms(fromMemory.p95).padStart(11)}`);
    }

    // HTTP: snapshots of the latest sync (built by the memory engine of this process), then a server.
    await app.analytics.rebuildPresetSnapshots();
    const server = await startServer(env);
    try {
      const base = `http://127.0.0.1:${port}`;
      const loaded = await waitForMemoryStore(base);
      say(`server: store of ${n(loaded.leads)} leads loaded in ${n(loaded.lastLoadMs ?? Number.NaN)} ms; RSS ${residentMiB(server.pid ?? 0, 'VmRSS')} (peak ${residentMiB(server.pid ?? 0, 'VmHWM')})`);
      const authorization = `Bearer ${issueAdminToken(env.JWT_SECRET, { sub: 'bench', ttlSeconds: 3600 })}`;
      const last30 = presetRange('last30', today);
      const sixMonths = presetRange('6m', today);
      const scenarios: [string, string][] = [
        ['snapshot hit (last30)', `/prospects/client-analytics?startDate=${last30.startDate}&endDate=${last30.endDate}`],
        ['live filtered (6m+salesman)', `/prospects/client-analytics?${queryString({ dateRange: sixMonths, salesman: salesman })}`],
        ['live filtered (all time+tier+stage)', `/prospects/client-analytics?${queryString({ tiers: [1, 2, 3], stage: 'negociacion' })}`],
      ];
      say(`HTTP end to end, autocannon ${connections} connections × ${duration} s`);
      for (const [name, path] of scenarios) {
        const check = await fetch(`${base}${path}`, { headers: { authorization } });
        const source = check.headers.get('x-analytics-source');
        await check.arrayBuffer();
        const result = await http(base, path, authorization);
        say(
          `  ${name.padEnd(36)} [${source}] p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${n(result.requests.average)} req/s, ` +
            `${n(result.requests.total)} requests, errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
        );
      }
      say(`server RSS after the HTTP runs: ${residentMiB(server.pid ?? 0, 'VmRSS')} (peak ${residentMiB(server.pid ?? 0, 'VmHWM')})`);
    } finally {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
  } finally {
    await app.close();
  }
}
