import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { issueAdminToken } from '../src/auth/tokens.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
const db = process.argv[2] ?? '/work/main/data/bench/engine-100000.sqlite';
const conns = Number(process.argv[3] ?? 4);
const extraArgs = process.argv.slice(4);
const env = { DATABASE_URL: db, JWT_SECRET: 'bench-admin-secret-0123456789abcdef', CRON_JWT_SECRET: 'bench-cron-secret-0123456789abcdef', LOG_LEVEL: 'warn', PORT: '3599', HOST: '127.0.0.1' };
const server = spawn(process.execPath, [...extraArgs, '/work/main/bin/crm-analytics.js', 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise<void>((resolve) => createInterface({ input: server.stderr }).on('line', (l) => { if (l.startsWith('CRM Analytics is listening')) resolve(); }));
for (;;) { const h = await (await fetch('http://127.0.0.1:3599/health')).json() as { analytics_engine: { state: string } }; if (h.analytics_engine.state === 'serving') break; await new Promise((r) => setTimeout(r, 100)); }
const r = presetRange('last30', todayInZone(Date.now(), 'UTC'));
const authorization = `Bearer ${issueAdminToken(env.JWT_SECRET, { sub: 'bench', ttlSeconds: 3600 })}`;
const url = `http://127.0.0.1:3599/prospects/client-analytics?startDate=${r.startDate}&endDate=${r.endDate}`;
const check = await fetch(url, { headers: { authorization } }); console.log(check.status, check.headers.get('x-analytics-source')); await check.text();
for (let k = 0; k < 2; k++) {
  const res = await autocannon({ url, connections: conns, duration: 5, headers: { authorization } });
  console.log(`p50 ${res.latency.p50} p99 ${res.latency.p99} avg ${res.latency.average} req/s ${res.requests.average} non2xx ${res.non2xx}`);
}
server.kill('SIGTERM'); await once(server, 'exit');
