import { openDatabase } from '../src/db/database.js';
import { parseDatabaseUrl } from '../src/db/database-url.js';
import { MemoryAnalyticsEngine } from '../src/engine/memory/memory-analytics-engine.js';
import { createLogger } from '../src/logging/logger.js';
const file = process.argv[2] ?? '/work/main/data/bench/engine-100000.sqlite';
const h = openDatabase(parseDatabaseUrl(file), { poolSize: 2 });
for (let k = 0; k < 3; k++) {
  const e = new MemoryAnalyticsEngine({ database: h, fallback: { compute: () => { throw new Error('x'); } }, logger: createLogger('silent'), pollMs: 0 });
  const t = performance.now();
  await e.refresh();
  console.log('load', performance.now() - t, e.status());
}
console.log('rss', process.memoryUsage().rss / 1048576);
await h.close();
