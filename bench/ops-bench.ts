/**
 * Operations benchmark (docs/benchmarks.md, "Snapshots for browsers, revalidation, and a sync
 * under load"): a real `crm-analytics serve` process on SQLite at N leads (default 1,000,000),
 * autocannon here, three scenarios:
 *   1. snapshot hits as a browser asks them (`Accept-Encoding: gzip, deflate, br`);
 *   2. revalidations (`If-None-Match` with the ETag of scenario 1): 304s;
 *   3. live filtered requests while the server runs an incremental sync of D dirty leads plus the
 *      rolling refresh (SYNC_ROLLING_SIZE, 10,000): their p99, and the longest event-loop delay of
 *      the server during the sync (monitorEventLoopDelay, preloaded by bench/support/loop-monitor.mjs).
 *
 *   npm run bench:ops                                      # 1,000,000 leads, 10 connections, 15 s each
 *   options: --leads N  --connections C (10)  --duration S (15)  --dirty D (1000)  --port P (3592)
 *            --only snapshot (scenarios 1 and 2 only)
 *            --server-root DIR (another checkout of this project, built, to measure its server
 *            on the same database: the figures before a change)
 *
 * The CRM is seeded once (`crm-analytics seed`, dated today) and built once by a sync:
 * data/bench/ops-N.sqlite. The server logs at LOG_LEVEL=info to data/bench/ops-server.log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { createApplication } from '../src/app/application.js';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/config.js';
import { databaseNow } from '../src/db/database-clock.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import { createLogger } from '../src/logging/logger.js';
import { BENCH_SECRETS, ROOT, benchDatabaseUrl, seedBenchCrmOnce } from './bench-database.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '10' },
    duration: { type: 'string', default: '15' },
    dirty: { type: 'string', default: '1000' },
    port: { type: 'string', default: '3592' },
    'server-root': { type: 'string', default: ROOT },
    /** `snapshot`: scenarios 1 and 2 only (quick comparisons). */
    only: { type: 'string', default: 'all' },
  },
});
const leads = Number(args.leads);
const connections = Number(args.connections);
const duration = Number(args.duration);
const dirty = Number(args.dirty);
const port = Number(args.port);
const serverRoot = args['server-root'].endsWith('/') ? args['server-root'] : `${args['server-root']}/`;
const say = (line: string) => process.stdout.write(`${line}\n`);
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const BROWSER_ENCODINGS = 'gzip, deflate, br';

const env = {
  DATABASE_URL: await benchDatabaseUrl('ops', 'sqlite', leads),
  ...BENCH_SECRETS,
  HOST: '127.0.0.1',
  PORT: String(port),
  // A request line per request, as in production; BENCH_LOG_LEVEL=warn measures without them.
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
};
const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
const db = app.database.db;
await seedBenchCrmOnce(app, env, leads);
const initial = await app.sync.run();
if (!initial.skipped && initial.fullBuild) say(`built ${n(initial.upsertedCount)} leads in ${(initial.durationMs / 1000).toFixed(1)} s`);

// ---- the server --------------------------------------------------------------------------------
mkdirSync(`${ROOT}data/bench`, { recursive: true });
const serverLog = createWriteStream(`${ROOT}data/bench/ops-server.log`);
const server: ChildProcess = spawn(
  process.execPath,
  ['--import', `${ROOT}bench/support/loop-monitor.mjs`, `${serverRoot}bin/crm-analytics.js`, 'serve'],
  { cwd: serverRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
);
server.stdout!.pipe(serverLog);
const serverExited = once(server, 'exit');
const loopLines: string[] = [];
await new Promise<void>((resolve, reject) => {
  const lines = createInterface({ input: server.stderr! });
  lines.on('line', (line) => {
    serverLog.write(`${line}\n`);
    if (line.startsWith('LOOP ')) loopLines.push(line.slice(5));
    if (line.startsWith('CRM Analytics is listening')) resolve();
  });
  void serverExited.then(() => reject(new Error('the server exited before listening (see data/bench/ops-server.log)')));
});
const base = `http://127.0.0.1:${port}`;
const authorization = `Bearer ${issueAdminToken(env.JWT_SECRET, { sub: 'bench', ttlSeconds: 3600 })}`;
const cronAuthorization = `Bearer ${issueCronToken(env.CRON_JWT_SECRET, { sub: 'bench' })}`;

/** The event-loop delay since the previous call (the preload resets it each time). */
async function loopDelay(): Promise<{ max: number; p99: number; mean: number }> {
  const before = loopLines.length;
  server.kill('SIGUSR2');
  for (let waited = 0; loopLines.length === before && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return JSON.parse(loopLines.at(-1) ?? '{}') as { max: number; p99: number; mean: number };
}

// The memory engine loads at start: live requests are measured once it serves.
for (let waited = 0; args.only !== 'snapshot'; waited += 500) {
  const health = (await (await fetch(`${base}/health`)).json()) as { analytics_engine?: { state?: string } };
  if (health.analytics_engine?.state === 'serving' || waited > 300_000) break;
  await new Promise((resolve) => setTimeout(resolve, 500));
}

const today = todayInZone(Date.now(), app.config.timezone);
const last30 = presetRange('last30', today);
const snapshotPath = `/prospects/client-analytics?startDate=${last30.startDate}&endDate=${last30.endDate}`;
const first = await fetch(`${base}${snapshotPath}`, { headers: { authorization, 'accept-encoding': BROWSER_ENCODINGS } });
const etag = first.headers.get('etag');
const identityBytes = (await (await fetch(`${base}${snapshotPath}`, { headers: { authorization, 'accept-encoding': 'identity' } })).arrayBuffer()).byteLength;
say('');
say(
  `ops bench: SQLite, ${n(leads)} leads, server ${serverRoot}, ${connections} connections × ${duration} s; ` +
    `snapshot ${first.headers.get('x-analytics-source')}, ${n(identityBytes)} bytes identity, ` +
    `Content-Encoding ${first.headers.get('content-encoding') ?? 'none'}, ETag ${etag ?? 'none'}`,
);

/** CPU time (user + system) the server process has used so far, in ms (Linux /proc; 10 ms ticks). */
function serverCpuMs(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Figures {
  /** Server CPU per request, in µs: what the machine's other load does not change much. */
  readonly cpuMicros: number;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly statuses: string;
}

async function load(paths: readonly string[], headers: Record<string, string>, seconds: number): Promise<Figures> {
  const statuses = new Map<number, number>();
  const cpuBefore = serverCpuMs();
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    timeout: 10,
    requests: paths.map((path) => ({
      method: 'GET' as const,
      path,
      headers,
      onResponse: (status: number) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      },
    })),
  });
  return {
    cpuMicros: ((serverCpuMs() - cpuBefore) * 1000) / Math.max(1, result.requests.total),
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    statuses: `${JSON.stringify(Object.fromEntries(statuses))}, errors ${result.errors}, timeouts ${result.timeouts}`,
  };
}

const line = (name: string, figures: Figures) =>
  say(
    `${name}: ${n(figures.rps)} req/s (${n(figures.requests)} requests); latency p50 ${figures.p50} ms, p99 ${figures.p99} ms, ` +
      `max ${figures.max} ms; server CPU ${n(figures.cpuMicros)} µs/request; statuses ${figures.statuses}`,
  );

// ---- 1 and 2: snapshot hits, revalidations ------------------------------------------------------
await load([snapshotPath], { authorization, 'accept-encoding': BROWSER_ENCODINGS }, 2); // warm-up
line('snapshot hits, Accept-Encoding gzip, deflate, br', await load([snapshotPath], { authorization, 'accept-encoding': BROWSER_ENCODINGS }, duration));
if (etag !== null) {
  line(
    'revalidations, If-None-Match',
    await load([snapshotPath], { authorization, 'accept-encoding': BROWSER_ENCODINGS, 'if-none-match': etag }, duration),
  );
} else {
  say('revalidations, If-None-Match: not measured (the server sends no ETag)');
}

// ---- 3: live requests during an incremental sync ------------------------------------------------
if (args.only === 'snapshot') {
  server.kill('SIGTERM');
  await serverExited;
  await app.close();
  process.exit(0);
}
const threeMonths = presetRange('3m', today);
const salesmen = (await db.selectFrom('salesmen').select('id').orderBy('id').limit(8).execute()).map((row) => row.id);
const livePaths = salesmen.flatMap((salesman, index) => [
  `/prospects/client-analytics?startDate=${threeMonths.startDate}&endDate=${threeMonths.endDate}&salesman=${salesman}`,
  `/prospects/client-analytics?startDate=${threeMonths.startDate}&endDate=${threeMonths.endDate}&localeIds=${(index % 4) + 1}&tier=${index % 6},${(index + 2) % 6}`,
]);
// D distinct leads get a comment stamped now: exactly D dirty records for the next run.
const picked = await db
  .selectFrom('crm_analytics_leads')
  .select(['record_type', 'record_id'])
  .orderBy(sql`(record_id * 7919 + ${Date.now() % 100_000}) % 1000003`)
  .limit(dirty)
  .execute();
const now = await databaseNow(db, app.database.dialect);
const companies = picked.filter((key) => key.record_type === 'company');
const prospects = picked.filter((key) => key.record_type === 'prospect');
if (companies.length > 0) {
  await db.insertInto('follow_up_comments').values(companies.map((key) => ({ company_id: key.record_id, salesman_id: null, comment: 'ops bench', created_at: now }))).execute();
}
if (prospects.length > 0) {
  await db
    .insertInto('prospect_follow_up_comments')
    .values(prospects.map((key) => ({ prospect_id: key.record_id, salesman_id: null, comment: 'ops bench', created_at: now })))
    .execute();
}
line('live filtered, no sync', await load(livePaths, { authorization, 'accept-encoding': BROWSER_ENCODINGS }, Math.min(duration, 10)));
await loopDelay();
const syncStarted = performance.now();
let syncMs = 0;
let syncAnswer = '';
const liveDuring = load(livePaths, { authorization, 'accept-encoding': BROWSER_ENCODINGS }, duration);
await new Promise((resolve) => setTimeout(resolve, 1000));
const syncCall = fetch(`${base}/crm/analytics/sync`, { method: 'POST', headers: { authorization: cronAuthorization } }).then(async (response) => {
  syncAnswer = `${response.status} ${await response.text()}`;
  syncMs = performance.now() - syncStarted - 1000;
});
const [during] = await Promise.all([liveDuring, syncCall]);
const delay = await loopDelay();
const run = await db.selectFrom('crm_analytics_sync_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
say(
  `sync during the load: ${syncAnswer} in ${n(syncMs)} ms (run ${run.id}: ${run.status}, dirty ${run.dirty_count}, rolling ${run.rolling_count}, ` +
    `upserted ${run.upserted_count}, duration_ms ${run.duration_ms})`,
);
line(`live filtered during the sync (${livePaths.length} combinations)`, during);
say(`server event loop over that window: longest delay ${delay.max} ms, p99 ${delay.p99} ms, mean ${delay.mean} ms`);

server.kill('SIGTERM');
await serverExited;
await app.close();
