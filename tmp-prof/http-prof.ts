import { createApplication } from '../src/app/application.js';
import { issueAdminToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/config.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import { createServer } from '../src/http/server.js';
import { createLogger } from '../src/logging/logger.js';
const env = { DATABASE_URL: '/work/main/data/bench/engine-100000.sqlite', JWT_SECRET: 'bench-admin-secret-0123456789abcdef', CRON_JWT_SECRET: 'bench-cron-secret-0123456789abcdef', LOG_LEVEL: 'warn' };
const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
const server = await createServer(app);
await app.memoryEngine!.refresh();
await app.analytics.rebuildPresetSnapshots();
const r = presetRange('last30', todayInZone(Date.now(), 'UTC'));
const url = `/prospects/client-analytics?startDate=${r.startDate}&endDate=${r.endDate}`;
const authorization = `Bearer ${issueAdminToken(env.JWT_SECRET, { sub: 'bench', ttlSeconds: 3600 })}`;
const first = await server.inject({ url, headers: { authorization } });
console.log(first.statusCode, first.headers['x-analytics-source'], first.payload.length);
for (const path of [url, url + '&salesman=3']) {
  for (let k = 0; k < 2; k++) {
    const t = performance.now();
    const n = 2000;
    for (let i = 0; i < n; i++) await server.inject({ url: path, headers: { authorization } });
    console.log(path.slice(-20), ((performance.now() - t) / n).toFixed(3), 'ms/request');
  }
}
await app.close();
