/**
 * How long `GET /prospects/client-analytics` takes on the SQL engine, live and from a snapshot.
 *
 *   npx tsx bench/analytics-sql-engine.ts [--leads 100000] [--database-url URL] [--runs 5]
 *
 * Without --database-url it works in a temporary SQLite file. With one, it fills
 * crm_analytics_leads of that (scratch!) database: the table is emptied first. Leads are
 * synthetic (seeded), spread over the last two years, with demo locales, stages and products.
 * Prints the median and worst of --runs requests per scenario.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApplication } from '../src/app/application.js';
import { issueAdminToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/config.js';
import { insertRows } from '../src/db/bulk-insert.js';
import { formatDbDateTime } from '../src/db/datetime.js';
import { managesSourceSchema, migrateToLatest } from '../src/db/migrations/migrate.js';
import { DEMO_LOCALES, DEMO_PRODUCTS, DEMO_STAGES } from '../src/demo/crm-catalog.js';
import { SeededRandom } from '../src/demo/seeded-random.js';
import { planAnalytics } from '../src/domain/analytics-plan.js';
import { closingDaysOf } from '../src/domain/lead.js';
import { presetRange, todayInZone } from '../src/domain/presets.js';
import { createSqlAnalyticsEngine } from '../src/engine/sql/sql-analytics-engine.js';
import { createServer } from '../src/http/server.js';
import { createLogger } from '../src/logging/logger.js';
import { syncLog } from '../src/sync/sync-log.js';
import { rebuildCrmAnalyticsSnapshots } from '../src/analytics/rebuild-snapshots-job.js';
import { BENCH_SECRETS } from './bench-database.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    'database-url': { type: 'string' },
    runs: { type: 'string', default: '5' },
  },
});
const leadCount = Number(values.leads);
const runs = Number(values.runs);
const DAY = 86_400_000;
const LEAD_COLUMNS = [
  'record_type', 'record_id', 'name', 'salesman_id', 'salesman_name', 'locale_id', 'locale_rate', 'tier', 'stage_id',
  'stage_name', 'stage_color', 'product', 'monthly_shipments', 'account_value', 'is_won', 'is_lost', 'won_at',
  'closing_days', 'has_shipment', 'has_recharge', 'last_activity_at', 'created_at', 'synced_at',
] as const;

const temporary = values['database-url'] ? null : mkdtempSync(join(tmpdir(), 'crm-analytics-bench-'));
const databaseUrl = values['database-url'] ?? join(temporary ?? '', 'bench.sqlite');
const app = createApplication(
  loadConfig({ DATABASE_URL: databaseUrl, ...BENCH_SECRETS, LOG_LEVEL: 'silent', NODE_ENV: 'test' }),
  { logger: createLogger('silent') },
);

async function fill(): Promise<void> {
  const { db, dialect } = app.database;
  await migrateToLatest(app.database, { sourceSchema: await managesSourceSchema(app.database) });
  // The stage filter is validated against crm_stages.
  if ((await db.selectFrom('crm_stages').select('id').limit(1).execute()).length === 0) {
    await db.insertInto('crm_stages').values(DEMO_STAGES.map((stage, index) => ({ name: stage.name, color: stage.color, position: index + 1 }))).execute();
  }
  await db.deleteFrom('crm_analytics_snapshots').execute();
  await db.deleteFrom('crm_analytics_leads').execute();
  const random = new SeededRandom(42);
  const now = app.clock();
  const synced = formatDbDateTime(now);
  const started = performance.now();
  await dialect.connections.withBulkLoad(db, async () => {
    let rows: unknown[][] = [];
    for (let id = 1; id <= leadCount; id += 1) {
      const createdAt = now - random.int(0, 730 * DAY);
      const locale = random.pick(DEMO_LOCALES);
      const localeId = DEMO_LOCALES.indexOf(locale) + 1;
      const stageIndex = random.int(0, DEMO_STAGES.length - 1);
      const stage = DEMO_STAGES[stageIndex] ?? { name: 'nuevo', color: 'secondary' };
      const prospect = random.chance(0.35);
      const won = random.chance(0.15);
      const lost = random.chance(0.12);
      const wonAt = won ? Math.min(now, createdAt + random.int(1, 120) * DAY) : null;
      const salesman = random.chance(0.05) ? null : random.int(1, 40);
      rows.push([
        prospect ? 'prospect' : 'company', id, `Company ${id}`, salesman, salesman === null ? null : `Salesman ${salesman}`,
        localeId, locale.rate, prospect || random.chance(0.2) ? null : random.int(0, 5), stageIndex + 1, stage.name, stage.color,
        random.chance(0.1) ? null : random.pick(DEMO_PRODUCTS).tag, random.int(0, 60), Math.round(random.logNormal(50_000, 1) * 100) / 100,
        won ? 1 : 0, lost ? 1 : 0, wonAt === null ? null : formatDbDateTime(wonAt), closingDaysOf(createdAt, wonAt),
        prospect ? 0 : random.chance(0.7) ? 1 : 0, prospect ? 0 : random.chance(0.5) ? 1 : 0, null, formatDbDateTime(createdAt), synced,
      ]);
      if (rows.length === 5_000) {
        await insertRows(db, dialect, 'crm_analytics_leads', LEAD_COLUMNS, rows);
        rows = [];
      }
    }
    await insertRows(db, dialect, 'crm_analytics_leads', LEAD_COLUMNS, rows);
  });
  await db
    .insertInto('crm_analytics_sync_log')
    .values({ started_at: synced, finished_at: synced, watermark: synced, status: 'ok', dirty_count: 0, rolling_count: 0, upserted_count: leadCount, deleted_count: 0, duration_ms: 0, error: null })
    .execute();
  process.stderr.write(`filled ${leadCount.toLocaleString('en-US')} leads in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

function statistics(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `median ${median.toFixed(0).padStart(6)} ms   worst ${(sorted.at(-1) ?? 0).toFixed(0).padStart(6)} ms`;
}

try {
  await fill();
  const server = await createServer(app);
  const token = issueAdminToken(app.config.auth.jwtSecret);
  const today = todayInZone(app.clock(), app.config.timezone);
  const last30 = presetRange('last30', today);
  const sixMonths = presetRange('6m', today);
  const scenarios: [string, string][] = [
    ['all time, salesman filter (live)', 'salesman=7'],
    ['last30, stage filter (live)', `startDate=${last30.startDate}&endDate=${last30.endDate}&stage=negociacion`],
    ['6m, tier filter (live)', `startDate=${sixMonths.startDate}&endDate=${sixMonths.endDate}&tier=1,2,3`],
  ];
  const inject = (query: string) =>
    server.inject({ method: 'GET', url: `/prospects/client-analytics?${query}`, headers: { authorization: `Bearer ${token}` } });

  process.stdout.write(`SQL engine on ${app.database.dialect.name}, ${leadCount.toLocaleString('en-US')} leads, ${runs} runs each\n`);
  // The unfiltered all-time payload straight from the engine: through HTTP it would be a snapshot after the first call.
  const engine = createSqlAnalyticsEngine(app.database.db, syncLog);
  const allTime: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await engine.compute(planAnalytics({}, app.config.timezone), app.clock());
    allTime.push(performance.now() - started);
  }
  process.stdout.write(`  ${'all time, no filter (engine, live)'.padEnd(36)} ${statistics(allTime)}\n`);
  for (const [label, query] of scenarios) {
    const samples: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const response = await inject(query);
      samples.push(performance.now() - started);
      if (response.statusCode !== 200) throw new Error(`${label}: ${response.statusCode} ${response.payload}`);
    }
    process.stdout.write(`  ${label.padEnd(36)} ${statistics(samples)}\n`);
  }
  const rebuildStarted = performance.now();
  await rebuildCrmAnalyticsSnapshots(app.analytics);
  process.stdout.write(`  ${'rebuild of the four presets'.padEnd(36)} ${(performance.now() - rebuildStarted).toFixed(0).padStart(6)} ms\n`);
  const snapshotSamples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const response = await inject(`startDate=${last30.startDate}&endDate=${last30.endDate}`);
    snapshotSamples.push(performance.now() - started);
    if (response.headers['x-analytics-source'] !== 'snapshot') throw new Error('expected a snapshot');
  }
  process.stdout.write(`  ${'last30 preset (snapshot)'.padEnd(36)} ${statistics(snapshotSamples)}\n`);
  await server.stop();
} finally {
  await app.close();
  if (temporary) rmSync(temporary, { recursive: true, force: true });
}
