/**
 * A server's first seconds (docs/benchmarks.md, "While the memory store loads"): a real
 * `crm-analytics serve` on SQLite at N leads (default 1,000,000) loads its memory store in the
 * background, and until it serves, the SQL engine answers live requests. This measures, from the
 * moment it listens until its store serves: live filtered requests (C connections, all time), and
 * `GET /health` every 20 ms — whether the process answers anything while the SQL engine works.
 *
 *   npm run bench:startup                             # 1,000,000 leads
 *   npx tsx bench/startup-bench.ts --server-root /tmp/before
 *   options: --leads N  --connections C (2)  --port P (3593)
 *            --server-root DIR (another built checkout, to measure the code before a change)
 *
 * Uses the operations bench's database (data/bench/ops-N.sqlite), seeded and built once.
 */
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import { createApplication } from '../src/app/application.js';
import { issueAdminToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logging/logger.js';
import { syncLog } from '../src/sync/sync-log.js';
import { BENCH_SECRETS, ROOT, benchDatabaseUrl, seedBenchCrmOnce } from './bench-database.js';
import { startBenchServer } from './support/bench-server.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '2' },
    port: { type: 'string', default: '3593' },
    'server-root': { type: 'string', default: ROOT },
  },
});
const leads = Number(args.leads);
const port = Number(args.port);
const serverRoot = args['server-root'].endsWith('/') ? args['server-root'] : `${args['server-root']}/`;
const say = (line: string) => process.stdout.write(`${line}\n`);
const n = (value: number) => Math.round(value).toLocaleString('en-US');

const env = {
  DATABASE_URL: await benchDatabaseUrl('ops', 'sqlite', leads),
  ...BENCH_SECRETS,
};
const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
await seedBenchCrmOnce(app, env, leads);
if ((await syncLog.latestGeneration(app.database.db)) === null) await app.sync.run();
await app.close();

const server = await startBenchServer(env, port, serverRoot);
const listening = performance.now();
const base = `http://127.0.0.1:${port}`;
const authorization = `Bearer ${issueAdminToken(env.JWT_SECRET, { sub: 'bench', ttlSeconds: 3600 })}`;
const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((q / 100) * sorted.length) - 1)] as number);
};

let serving = false;
const health: number[] = [];
const live: { ms: number; source: string | null }[] = [];
const healthLoop = (async () => {
  while (!serving) {
    const started = performance.now();
    const answer = (await (await fetch(`${base}/health`)).json()) as { analytics_engine?: { state?: string } };
    health.push(performance.now() - started);
    if (answer.analytics_engine?.state === 'serving') serving = true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
})();
const liveLoops = Array.from({ length: Number(args.connections) }, async (_, connection) => {
  for (let request = 0; !serving; request++) {
    const started = performance.now();
    const response = await fetch(`${base}/prospects/client-analytics?tier=${(connection + request) % 6}`, { headers: { authorization } });
    await response.arrayBuffer();
    if (!serving) live.push({ ms: performance.now() - started, source: response.headers.get('x-analytics-source') });
  }
});
await Promise.all([healthLoop, ...liveLoops]);
const loadMs = performance.now() - listening;
server.kill('SIGTERM');
await once(server, 'exit');

say(`startup bench: SQLite, ${n(leads)} leads, server ${serverRoot}, ${args.connections} connections of live requests (all time + tier)`);
say(`store serving ${n(loadMs)} ms after the server listened`);
say(`live requests answered before: ${live.length} (sources ${[...new Set(live.map((entry) => entry.source))].join(', ')}), p50 ${n(quantile(live.map((entry) => entry.ms), 50))} ms, max ${n(Math.max(0, ...live.map((entry) => entry.ms)))} ms`);
say(`GET /health meanwhile: ${health.length} answers, p50 ${n(quantile(health, 50))} ms, p99 ${n(quantile(health, 99))} ms, max ${n(Math.max(0, ...health))} ms`);
