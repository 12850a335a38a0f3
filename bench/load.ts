/**
 * Load benchmark (docs/reliability.md, "Load"): a real `crm-analytics serve` process under
 * autocannon, C connections for S seconds against a snapshot-served request and then a live
 * filtered request, while this script changes the CRM and calls `POST /crm/analytics/sync` every
 * few seconds. Prints requests, req/s, p50/p97.5/p99/max latency, errors, timeouts and non-2xx per
 * scenario, and what every sync did. Exits 1 if any request failed (a figure, not a timing
 * assertion).
 *
 *   npm run bench:load                                    # SQLite, 100,000 leads, 50 connections, 20 s each
 *   npm run bench:load -- --dialect mysql --leads 100000  # or postgres
 *   options: --leads N  --dialect sqlite|mysql|postgres  --connections C (50)  --duration S (20)
 *            --sync-every S (3)  --changes K (300)  --port P (3590)
 *   Any other setting of the server comes from the environment (e.g. SYNC_ROLLING_SIZE).
 *
 * The CRM is seeded once per size (`crm-analytics seed`, dated today) and kept: data/bench/load-N.sqlite,
 * or the database crm_bench_load_N on BENCH_MYSQL_URL / BENCH_POSTGRES_URL (default: the test
 * servers). The server runs from dist/ (`npm run bench:load` builds first) with LOG_LEVEL=info, its
 * log written to data/bench/load-server.log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createApplication } from '../src/app/application.js';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/config.js';
import { databaseNow } from '../src/db/database-clock.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import { createLogger } from '../src/logging/logger.js';
import { BENCH_SECRETS, ROOT, benchDatabaseUrl, seedBenchCrmOnce } from './bench-database.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    dialect: { type: 'string', default: 'sqlite' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '20' },
    'sync-every': { type: 'string', default: '3' },
    changes: { type: 'string', default: '300' },
    port: { type: 'string', default: '3590' },
  },
});
const leads = Number(args.leads);
const dialect = args.dialect;
const connections = Number(args.connections);
const duration = Number(args.duration);
const syncEveryMs = Number(args['sync-every']) * 1000;
const changesPerSync = Number(args.changes);
const port = Number(args.port);
const say = (line: string) => process.stdout.write(`${line}\n`);
const n = (value: number) => Math.round(value).toLocaleString('en-US');

const env = {
  DATABASE_URL: await benchDatabaseUrl('load', dialect, leads),
  ...BENCH_SECRETS,
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: 'info',
};
mkdirSync(`${ROOT}data/bench`, { recursive: true });
const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
const db = app.database.db;

// ---- the CRM, seeded once, built once ----------------------------------------------------------
await seedBenchCrmOnce(app, env, leads);
const initial = await app.sync.run();
say(`initial sync: ${initial.skipped ? 'skipped' : `${initial.fullBuild ? 'full build' : 'incremental'}, ${n(initial.upsertedCount)} leads upserted in ${(initial.durationMs / 1000).toFixed(1)} s`}`);
const leadCount = Number((await db.selectFrom('crm_analytics_leads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const companyIds = (await db.selectFrom('crm_analytics_leads').select('record_id').where('record_type', '=', 'company').execute()).map((row) => Number(row.record_id));
const prospectIds = (await db.selectFrom('crm_analytics_leads').select('record_id').where('record_type', '=', 'prospect').execute()).map((row) => Number(row.record_id));
const stageIds = (await db.selectFrom('crm_stages').select(['id', 'name']).orderBy('position').execute());

// ---- the server: a real `crm-analytics serve` process ------------------------------------------
const serverLog = createWriteStream(`${ROOT}data/bench/load-server.log`);
const server: ChildProcess = spawn(process.execPath, [`${ROOT}bin/crm-analytics.js`, 'serve'], {
  cwd: ROOT,
  // The environment passes through (ANALYTICS_* and the like choose what the server runs).
  env: { ...process.env, ...env },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout!.pipe(serverLog);
const serverExited = once(server, 'exit');
await new Promise<void>((resolve, reject) => {
  const lines = createInterface({ input: server.stderr! });
  lines.on('line', (line) => {
    serverLog.write(`${line}\n`);
    if (line.startsWith('CRM Analytics is listening')) resolve();
  });
  void serverExited.then(() => reject(new Error('the server exited before listening (see data/bench/load-server.log)')));
});
const base = `http://127.0.0.1:${port}`;
const adminAuthorization = `Bearer ${issueAdminToken(env.JWT_SECRET, { sub: 'bench', ttlSeconds: 3600 })}`;
const cronAuthorization = `Bearer ${issueCronToken(env.CRON_JWT_SECRET, { sub: 'bench' })}`;

// ---- the scheduler: CRM changes, then a sync, every few seconds --------------------------------
interface SyncCall {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}
const syncCalls: SyncCall[] = [];
let changesWritten = 0;
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** What a CRM's users do between two syncs: comments, stage moves, renamed companies. */
async function changeCrm(): Promise<void> {
  const now = await databaseNow(db, app.database.dialect);
  const third = Math.max(1, Math.floor(changesPerSync / 3));
  await db
    .insertInto('follow_up_comments')
    .values(Array.from({ length: third }, () => ({ company_id: pick(companyIds), salesman_id: null, comment: 'load bench', created_at: now })))
    .execute();
  await db
    .insertInto('follow_up_data')
    .values(
      Array.from({ length: third }, () => ({
        company_id: null,
        prospect_id: pick(prospectIds),
        stage_id: pick(stageIds).id,
        product: 'packageContent.electronics',
        monthly_shipments: Math.floor(Math.random() * 200),
        account_value: Math.round(Math.random() * 1_000_000) / 100,
        is_won: 0,
        is_lost: 0,
        won_at: null,
        created_at: now,
      })),
    )
    .execute();
  for (let index = 0; index < third; index += 1) {
    await db.updateTable('companies').set({ name: `Renamed during the load bench (${index})`, updated_at: now }).where('id', '=', pick(companyIds)).execute();
  }
  changesWritten += third * 3;
}

let scheduling = true;
const scheduler = (async () => {
  while (scheduling) {
    const started = performance.now();
    await changeCrm();
    const callStarted = performance.now();
    try {
      const response = await fetch(`${base}/crm/analytics/sync`, { method: 'POST', headers: { authorization: cronAuthorization } });
      syncCalls.push({ status: response.status, body: await response.text(), ms: performance.now() - callStarted });
    } catch (error) {
      syncCalls.push({ status: 0, body: String(error), ms: performance.now() - callStarted });
    }
    const wait = syncEveryMs - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
})();

// ---- the scenarios -----------------------------------------------------------------------------
const today = todayInZone(Date.now(), app.config.timezone);
const last30 = presetRange('last30', today);
const threeMonths = presetRange('3m', today);
const salesmen = (await db.selectFrom('salesmen').select('id').orderBy('id').limit(8).execute()).map((row) => row.id);
const pipeline = stageIds.map((stage) => stage.name).slice(0, 3);
/**
 * What managers ask interactively: a 3-month range narrowed by a salesman, tiers or a stage, a
 * different combination on every request (autocannon cycles through them), so that each answer
 * is a real live computation over crm_analytics_leads.
 */
const liveFilters = salesmen.flatMap((salesman, index) => [
  `startDate=${threeMonths.startDate}&endDate=${threeMonths.endDate}&salesman=${salesman}`,
  `startDate=${threeMonths.startDate}&endDate=${threeMonths.endDate}&localeIds=${(index % 4) + 1}&tier=${index % 6},${(index + 2) % 6}`,
  `startDate=${threeMonths.startDate}&endDate=${threeMonths.endDate}&stage=${pipeline[index % pipeline.length]!}&localeIds=1,2,3`,
]);
const scenarios = [
  { name: 'snapshot-served (last30 preset)', paths: [`/prospects/client-analytics?startDate=${last30.startDate}&endDate=${last30.endDate}`] },
  { name: `live filtered (3m range and a salesman, tiers or a stage; ${liveFilters.length} combinations in turn)`, paths: liveFilters.map((query) => `/prospects/client-analytics?${query}`) },
];

say('');
say(
  `load bench: ${dialect}, ${n(leadCount)} leads, analytics engine ${process.env.ANALYTICS_ENGINE ?? '(default)'}, ` +
    `${connections} connections × ${duration} s per scenario, a sync every ${syncEveryMs / 1000} s after ~${changesPerSync} CRM changes`,
);
let failures = 0;
for (const scenario of scenarios) {
  const sources = new Map<string, number>();
  const result = await autocannon({
    url: base,
    connections,
    duration,
    timeout: 10,
    requests: scenario.paths.map((path) => ({
      method: 'GET' as const,
      path,
      headers: { authorization: adminAuthorization },
      onResponse: (_status: number, _body: string, _context: object, headers: IncomingHttpHeaders | undefined) => {
        const source = String(headers?.['x-analytics-source'] ?? 'none');
        sources.set(source, (sources.get(source) ?? 0) + 1);
      },
    })),
  });
  // autocannon counts timeouts among the errors.
  failures += result.errors + result.non2xx;
  say('');
  say(`${scenario.name}: GET ${scenario.paths[0]!}${scenario.paths.length > 1 ? ' …' : ''}`);
  say(
    `  requests ${n(result.requests.total)} in ${result.duration.toFixed(1)} s = ${n(result.requests.average)} req/s; ` +
      `latency p50 ${result.latency.p50} ms, p97.5 ${result.latency.p97_5} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
  );
  say(
    `  2xx ${n(result['2xx'])}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}, resets ${result.resets}; ` +
      `X-Analytics-Source ${JSON.stringify(Object.fromEntries(sources))}`,
  );
}

scheduling = false;
await scheduler;
const byOutcome = new Map<string, number>();
for (const call of syncCalls) {
  const outcome = call.status === 200 ? (call.body.includes('skipped') ? '200 skipped' : '200 ok') : `${call.status} ${call.body.slice(0, 60)}`;
  byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
}
const syncTimes = syncCalls.map((call) => call.ms).sort((a, b) => a - b);
failures += syncCalls.filter((call) => call.status !== 200).length;
const runs = await db.selectFrom('crm_analytics_sync_log').select(['status']).where('id', '>', initial.skipped ? 0 : initial.runId).execute();
say('');
say(
  `syncs during the load: ${syncCalls.length} calls ${JSON.stringify(Object.fromEntries(byOutcome))}, ` +
    `call time median ${n(syncTimes[Math.floor(syncTimes.length / 2)] ?? 0)} ms, max ${n(syncTimes.at(-1) ?? 0)} ms; ` +
    `${n(changesWritten)} CRM rows written; sync log ${JSON.stringify(Object.fromEntries(runs.reduce((map, run) => map.set(run.status, (map.get(run.status) ?? 0) + 1), new Map<string, number>())))}`,
);
failures += runs.filter((run) => run.status !== 'ok').length;

server.kill('SIGTERM');
const [code] = (await serverExited) as [number | null];
say(`server stopped (exit ${code}); ${failures === 0 ? 'no failed request' : `${failures} FAILED requests or runs`}`);
await app.close();
process.exitCode = failures === 0 && code === 0 ? 0 : 1;
