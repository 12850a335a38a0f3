/**
 * Lead list benchmark (docs/benchmarks.md, "The leads behind a number"): SPEC §10 pages on the
 * memory engine and the SQL engine side by side, then the CSV export of every lead from a real
 * `crm-analytics serve` process while other requests keep coming.
 *
 *   npm run bench:leads                                  # SQLite, 1,000,000 leads
 *   npm run bench:leads -- --leads 100000 --sql-runs 3
 *   options: --leads N (1000000)  --sql-runs R (5)  --memory-runs R (30)  --connections C (4; 0: no live requests)  --port P (3593)
 *            --engines memory,sql (CSV exports: the server's ANALYTICS_ENGINE, one run each)  --pages no (CSV only)
 *
 * The CRM is seeded and synced once into data/bench/leads-N.sqlite (a copy of another bench's
 * engine-N.sqlite does as well: the migration 0004 indexes are added on first use). Page timings:
 * first page (limit 100) and a page deep into the list (after the row at 90 % of the filter's
 * rows: row 900,000 of all time), for each filter alone and both sorts, one warm-up then R runs.
 * CSV: time to the first byte and to the last, bytes, the server's RSS growth (sampled every 50 ms
 * from /proc), and the latency of live requests sent meanwhile (autocannon, C connections).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createApplication, type Application } from '../src/app/application.js';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/config.js';
import { planAnalytics } from '../src/domain/analytics-plan.js';
import type { AnalyticsQuery } from '../src/domain/analytics-query.js';
import type { LeadListFilter, LeadListSort, LeadPosition } from '../src/domain/lead-list.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import type { OutcomeBucket } from '../src/domain/virtual-stage.js';
import type { LeadListEngine } from '../src/engine/lead-list-engine.js';
import { createMemoryLeadList, filteredRows, sortByValueDescending, topByValueAfter } from '../src/engine/memory/memory-lead-list.js';
import type { LeadStore } from '../src/engine/memory/lead-store.js';
import { RECORD_TYPE_OF_CODE } from '../src/engine/memory/store-columns.js';
import { createSqlLeadList } from '../src/engine/sql/sql-lead-list.js';
import { valueUsdOf } from '../src/domain/lead-list.js';
import { createLogger } from '../src/logging/logger.js';
import { syncLog } from '../src/sync/sync-log.js';
import { startBenchServer } from './support/bench-server.js';
import { BENCH_SECRETS, ROOT, benchDatabaseUrl, busiestId, seedBenchCrmOnce } from './bench-database.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    'sql-runs': { type: 'string', default: '5' },
    'memory-runs': { type: 'string', default: '30' },
    connections: { type: 'string', default: '4' },
    port: { type: 'string', default: '3593' },
    engines: { type: 'string', default: 'memory,sql' },
    pages: { type: 'string', default: 'yes' },
  },
});
const leads = Number(args.leads);
const sqlRuns = Number(args['sql-runs']);
const memoryRuns = Number(args['memory-runs']);
const connections = Number(args.connections);
const port = Number(args.port);
class SkipPages extends Error {}
const say = (line: string) => process.stdout.write(`${line}\n`);
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function timings(run: () => Promise<unknown>, runs: number): Promise<{ p50: number; p95: number }> {
  await run();
  const samples: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/** The position of the row at 90 % of the filter's rows in `sort` order (from the store: both engines hold the same rows). */
function deepPosition(store: LeadStore, filter: LeadListFilter, sort: LeadListSort): LeadPosition | null {
  const rows = filteredRows(store, filter);
  if (rows.length < 2) return null;
  const ordered = sort === 'created_at' ? rows : sortByValueDescending(store, rows);
  const row = ordered[Math.floor(rows.length * 0.9)] as number;
  const rate = store.dictionaries.locale.valueOf(store.locale[row] as number).locale_rate;
  return {
    created_at: store.created_at[row] as number,
    record_type: RECORD_TYPE_OF_CODE[store.record_type[row] as number] ?? 'company',
    record_id: store.record_id[row] as number,
    value: sort === 'created_at' ? null : valueUsdOf(store.account_value_cents[row] as number, rate),
  };
}

const startServer = (env: Record<string, string>): Promise<ChildProcess> => startBenchServer(env, port);

async function waitForEngine(base: string, engine: string): Promise<void> {
  if (engine !== 'memory') return;
  for (;;) {
    const health = (await (await fetch(`${base}/health`)).json()) as { analytics_engine?: { state: string } };
    if (health.analytics_engine?.state === 'serving') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return line ? Number(line.replace(/\D+/g, '')) * 1024 : Number.NaN;
}

/** CPU time (user + system) a process has used, ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The server's event-loop delay (max and p99, ms) since the last call: prom-client's monitor in /metrics, reset on each read. */
async function eventLoopDelay(base: string, cronAuthorization: string): Promise<{ max: number; p99: number }> {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: cronAuthorization } })).text();
  const seconds = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { max: seconds('nodejs_eventloop_lag_max_seconds') * 1000, p99: seconds('nodejs_eventloop_lag_p99_seconds') * 1000 };
}

/** Downloads a CSV as a client reading as fast as it can; times the first byte and the last. */
function download(url: string, authorization: string): Promise<{ firstByteMs: number; totalMs: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = Number.NaN;
    let bytes = 0;
    const req = request(url, { headers: { authorization } }, (response) => {
      response.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByteMs = performance.now() - started;
        bytes += chunk.length;
      });
      response.on('end', () => resolve({ firstByteMs, totalMs: performance.now() - started, bytes, status: response.statusCode ?? 0 }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const env = {
  DATABASE_URL: await benchDatabaseUrl('leads', 'sqlite', leads),
  ...BENCH_SECRETS,
  ANALYTICS_ENGINE: 'memory',
  LOG_LEVEL: 'warn',
};
say(`== ${n(leads)} generated leads (SQLite, ${env.DATABASE_URL.replace(ROOT, '')}) ==`);
const app: Application = createApplication(loadConfig(env), { logger: createLogger('warn') });
await seedBenchCrmOnce(app, env, leads);
if ((await syncLog.latestGeneration(app.database.db)) === null) {
  say('  building crm_analytics_leads (once)…');
  await app.sync.run();
}
let store: LeadStore | null = null;
try {
  const memory = app.memoryEngine;
  if (memory === null) throw new Error('ANALYTICS_ENGINE=memory gives a memory engine');
  if (args.pages === 'no') throw new SkipPages();
  await memory.refresh();
  const sqlList = createSqlLeadList(app.database.db, app.database.dialect.schema, syncLog);
  const memoryList = createMemoryLeadList(memory, {
    page: () => Promise.reject(new Error('the memory engine did not answer')),
    exportRows: () => Promise.reject(new Error('the memory engine did not answer')),
  });
  // The store, for the deep positions (the engine's serving store).
  await memory.answer(undefined, (current) => (store = current), () => Promise.resolve(null));
  if (store === null) throw new Error('no store');
  const loaded: LeadStore = store;

  const timeZone = app.config.timezone;
  const today = todayInZone(Date.now(), timeZone);
  const salesman = await busiestId(app.database.db, 'salesman_id');
  const cases: [string, AnalyticsQuery, OutcomeBucket | null][] = [
    ['all time', {}, null],
    ['last30', { dateRange: presetRange('last30', today) }, null],
    ['6m', { dateRange: presetRange('6m', today) }, null],
    ['salesman', { salesman: salesman }, null],
    ['locale', { localeIds: [1] }, null],
    ['tier 3', { tiers: [3] }, null],
    ['stage negociacion', { stage: 'negociacion' }, null],
    ['stage won', { stage: 'won' }, null],
    ['product', { product: 'packageContent.electronics' }, null],
    ['outcome lost', {}, 'lost'],
    ['outcome remaining', {}, 'remaining'],
  ];
  say(`page time, ms (limit 100; SQL: ${sqlRuns} runs, memory: ${memoryRuns} runs, after one warm-up each); deep = after the row at 90 % of the filter's rows`);
  say(
    `  ${'case'.padEnd(20)} ${'sort'.padEnd(11)} ${'rows'.padStart(9)} ${'SQL first'.padStart(10)} ${'SQL deep'.padStart(9)} ${'mem first p50/p95'.padStart(18)} ${'mem deep p50/p95'.padStart(17)}`,
  );
  for (const [name, query, outcome] of cases) {
    const filter: LeadListFilter = { leads: planAnalytics(query, timeZone).current, outcome };
    for (const sort of ['created_at', '-value_usd'] as const) {
      const deep = deepPosition(loaded, filter, sort);
      const page = (engine: LeadListEngine, after: LeadPosition | null) => () => engine.page({ filter, sort, limit: 100, after }, Date.now());
      const total = (await memoryList.page({ filter, sort, limit: 1, after: null }, Date.now())).total;
      const sqlFirst = await timings(page(sqlList, null), sqlRuns);
      const sqlDeep = deep ? await timings(page(sqlList, deep), sqlRuns) : null;
      const memoryFirst = await timings(page(memoryList, null), memoryRuns);
      const memoryDeep = deep ? await timings(page(memoryList, deep), memoryRuns) : null;
      say(
        `  ${name.padEnd(20)} ${sort.padEnd(11)} ${n(total).padStart(9)} ${ms(sqlFirst.p50).padStart(10)} ${(sqlDeep ? ms(sqlDeep.p50) : '-').padStart(9)} ` +
          `${`${ms(memoryFirst.p50)}/${ms(memoryFirst.p95)}`.padStart(18)} ${(memoryDeep ? `${ms(memoryDeep.p50)}/${ms(memoryDeep.p95)}` : '-').padStart(17)}`,
      );
    }
  }
  // Keep the heap selection honest: it must not be a sort of everything (a quick check of its cost alone).
  const heapOnly = await timings(() => Promise.resolve(topByValueAfter(loaded, [], 0, loaded.size, null, 101)), 10);
  say(`  (the bounded top-101 selection over all ${n(loaded.size)} rows alone: p50 ${ms(heapOnly.p50)} ms)`);
} catch (error) {
  if (!(error instanceof SkipPages)) throw error;
} finally {
  await app.close();
}

// ---- CSV of every lead from a real server -------------------------------------------------------
for (const engine of args.engines.split(',')) {
  for (const sort of ['created_at', '-value_usd'] as const) {
    const server = await startServer({ ...env, ANALYTICS_ENGINE: engine });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForEngine(base, engine);
      const authorization = `Bearer ${issueAdminToken(env.JWT_SECRET, { sub: 'bench', ttlSeconds: 3600 })}`;
      const pid = server.pid ?? 0;
      const cronAuthorization = `Bearer ${issueCronToken(env.CRON_JWT_SECRET, { ttlSeconds: 3600 })}`;
      await eventLoopDelay(base, cronAuthorization); // starts the monitor
      // Warm the routes, then measure from a settled process.
      await (await fetch(`${base}/prospects/client-analytics/leads?limit=10`, { headers: { authorization } })).arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const rssBefore = rssBytes(pid);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, rssBytes(pid));
      }, 50);
      // --connections 0: the export alone (no live requests).
      let finish: (result: autocannon.Result | null) => void = () => undefined;
      const finished = new Promise<autocannon.Result | null>((resolve) => (finish = resolve));
      const live =
        connections > 0
          ? autocannon(
              { url: `${base}/prospects/client-analytics/leads?limit=100&stage=negociacion`, connections, duration: 60, headers: { authorization } },
              (error, result) => {
                if (error) throw error;
                finish(result);
              },
            )
          : null;
      if (live === null) finish(null);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await eventLoopDelay(base, cronAuthorization); // resets it
      const cpuBefore = cpuMs(pid);
      const file = await download(`${base}/prospects/client-analytics/leads?format=csv${sort === 'created_at' ? '' : '&sort=-value_usd'}`, authorization);
      const serverCpu = cpuMs(pid) - cpuBefore;
      const delay = await eventLoopDelay(base, cronAuthorization);
      live?.stop();
      const result = await finished;
      clearInterval(sampler);
      say(
        `CSV of every lead, ${engine} engine, sort=${sort}: status ${file.status}, ${n(file.bytes / 1_048_576)} MiB; first byte ${ms(file.firstByteMs)} ms, ` +
          `whole file ${n(file.totalMs)} ms (server CPU meanwhile ${n(serverCpu)} ms, live requests' included; its event-loop delay p99 ${ms(delay.p99)} ms, max ${ms(delay.max)} ms); server RSS +${n((rssPeak - rssBefore) / 1_048_576)} MiB (peak over the export); ` +
          (result === null
            ? 'no live requests'
            : `live requests meanwhile (${connections} connections, /leads?limit=100&stage=negociacion): p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
              `${n(result.requests.total)} requests, non-2xx ${result.non2xx}`),
      );
    } finally {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
  }
}
