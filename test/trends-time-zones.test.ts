import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrendsService } from '../src/analytics/trends-service.js';
import { addDays, startOfDayInZone } from '../src/domain/calendar.js';
import { TREND_INTERVALS } from '../src/domain/trend-buckets.js';
import type { TrendsPayload } from '../src/domain/trends.js';
import type { MemoryAnalyticsEngine } from '../src/engine/memory/memory-analytics-engine.js';
import { createMemoryTrendEngine } from '../src/engine/memory/memory-trends.js';
import { createSqlTrendEngine } from '../src/engine/sql/sql-trends.js';
import type { TrendEngine } from '../src/engine/trend-engine.js';
import { createServer } from '../src/http/server.js';
import { syncLog } from '../src/sync/sync-log.js';
import { memoryEngineOn } from './support/memory-engine-under-test.js';
import { adminToken, insertLeads, insertSyncRun, instant, leadRow, type LeadRow } from './support/analytics-fixtures.js';
import { localDateOf, referenceTrendSeries } from './support/reference-trends.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * The same leads under five values of CRM_TIMEZONE: every lead lands in the bucket its local date
 * says (as Intl prints it, not as the service computes it), across each zone's DST changes in 2026:
 * Santiago's (at midnight: 2026-04-04 24:00 → 23:00, and 2026-09-06 00:00 → 01:00, a day without
 * midnight), Madrid's (03-29, 10-25), Lord Howe's half-hour shifts (04-05 02:00 → 01:30, 10-04
 * 02:00 → 02:30), and Kolkata's +05:30 without DST.
 */
const ZONES = ['UTC', 'America/Santiago', 'Europe/Madrid', 'Asia/Kolkata', 'Australia/Lord_Howe'] as const;
const TRANSITION_DATES = ['2026-03-29', '2026-04-05', '2026-09-06', '2026-10-04', '2026-10-25'];
const RANGE = { startDate: '2026-03-25', endDate: '2026-10-30' };
const NOW = instant('2026-11-02 12:00');

/** Leads every 23 minutes (and some milliseconds) over 5 days around each change, and at every zone's local midnights ± 1 ms. */
function leadsAroundTransitions(): LeadRow[] {
  const instants = new Set<number>();
  for (const date of TRANSITION_DATES) {
    const from = instant(`${addDays(date, -2)} 00:00`);
    for (let at = from; at < from + 5 * 86_400_000; at += 23 * 60_000) instants.add(at + (at % 7 === 0 ? 999 : 0));
    for (const zone of ZONES) {
      for (let day = -2; day <= 2; day++) {
        const midnight = startOfDayInZone(addDays(date, day), zone);
        instants.add(midnight);
        instants.add(midnight - 1);
        instants.add(midnight + 1);
      }
    }
  }
  return [...instants]
    .sort((a, b) => a - b)
    .map((at, index) =>
      leadRow({
        id: index + 1,
        created: new Date(at).toISOString(),
        locale: 1 + (index % 3),
        rate: [1, 20, 3.742][index % 3]!,
        value: (index % 17) * 10.05,
        shipments: index % 5,
        won: index % 4 === 0,
        lost: index % 9 === 0,
        hasRecharge: index % 6 === 1,
        // Won 7 h 13 min after creation: won_at crosses local midnights of its own.
        wonAt: index % 4 === 0 ? new Date(at + (7 * 60 + 13) * 60_000).toISOString() : null,
      }),
    );
}

const NO_TREND_FALLBACK: TrendEngine = { trends: () => Promise.reject(new Error('the memory trends fell back to SQL')) };

describe.each(testDialects())('trends across time zones and DST on $dialect', (target) => {
  let app: TestApplication;
  let memory: MemoryAnalyticsEngine;
  const leads = leadsAroundTransitions();

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => NOW });
    await insertLeads(app.database.db, leads);
    await insertSyncRun(app.database.db, { watermark: '2026-11-01 10:00' });
    memory = memoryEngineOn(app.database);
    await memory.refresh();
  });
  afterAll(async () => {
    await memory.close();
    await app.dispose();
  });

  const withoutMeta = ({ meta: _meta, ...body }: TrendsPayload) => body;

  it.each(ZONES)('puts every lead in the bucket of its local date in %s, on both engines', async (zone) => {
    const engines = { sql: createSqlTrendEngine(app.database.db, syncLog), memory: createMemoryTrendEngine(memory, NO_TREND_FALLBACK) };
    const inRange = leads.filter((lead) => {
      const date = localDateOf(lead.created_at, zone);
      return date >= RANGE.startDate && date <= RANGE.endDate;
    });
    for (const interval of TREND_INTERVALS) {
      const results = [];
      for (const engine of Object.values(engines)) {
        const service = createTrendsService({ engine, clock: () => NOW, timeZone: zone });
        results.push(withoutMeta(await service.query({ dateRange: RANGE, interval })));
      }
      const [fromSql, fromMemory] = results;
      expect(fromMemory).toStrictEqual(fromSql);
      expect(fromSql!.series).toStrictEqual(referenceTrendSeries(leads, {}, zone, fromSql!.series));
      expect(fromSql!.series.reduce((sum, point) => sum + point.total_leads, 0)).toBe(inRange.length);
    }
  });

  it('counts each day of a DST change as its local date says (day buckets, spot checks)', async () => {
    const service = createTrendsService({ engine: createSqlTrendEngine(app.database.db, syncLog), clock: () => NOW, timeZone: 'Australia/Lord_Howe' });
    const { series } = await service.query({ dateRange: { startDate: '2026-04-04', endDate: '2026-04-06' }, interval: 'day' });
    for (const point of series) {
      const expected = leads.filter((lead) => localDateOf(lead.created_at, 'Australia/Lord_Howe') === point.start).length;
      expect(point.total_leads, point.start).toBe(expected);
      expect(expected).toBeGreaterThan(0);
    }
  });

  it('reads CRM_TIMEZONE: the HTTP answer under America/Santiago is the Santiago series', async () => {
    const zoned = await createTestApplication(target, { clock: () => NOW, env: { CRM_TIMEZONE: 'America/Santiago', ANALYTICS_ENGINE: 'sql' } });
    let server: Server | undefined;
    try {
      await insertLeads(zoned.database.db, leads);
      await insertSyncRun(zoned.database.db, { watermark: '2026-11-01 10:00' });
      server = await createServer(zoned);
      const response = await server.inject({
        method: 'GET',
        url: `/prospects/client-analytics/trends?startDate=2026-09-01&endDate=2026-09-10&interval=day`,
        headers: { authorization: `Bearer ${adminToken()}` },
      });
      expect(response.statusCode, response.payload).toBe(200);
      const payload = JSON.parse(response.payload) as TrendsPayload;
      expect(payload.series.map((point) => point.start)).toEqual(Array.from({ length: 10 }, (_, day) => addDays('2026-09-01', day)));
      expect(payload.series).toStrictEqual(referenceTrendSeries(leads, {}, 'America/Santiago', payload.series));
    } finally {
      await server?.stop();
      await zoned.dispose();
    }
    // A database of its own, migrated: slow on a loaded machine.
  }, 180_000);
});
