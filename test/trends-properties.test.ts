import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrendsService, type TrendsService } from '../src/analytics/trends-service.js';
import { planAnalytics } from '../src/domain/analytics-plan.js';
import { TREND_INTERVALS } from '../src/domain/trend-buckets.js';
import type { TrendsPayload } from '../src/domain/trends.js';
import type { MemoryAnalyticsEngine } from '../src/engine/memory/memory-analytics-engine.js';
import { createMemoryTrendEngine } from '../src/engine/memory/memory-trends.js';
import { createSqlAnalyticsEngine } from '../src/engine/sql/sql-analytics-engine.js';
import { createSqlTrendEngine } from '../src/engine/sql/sql-trends.js';
import type { TrendEngine } from '../src/engine/trend-engine.js';
import { syncLog } from '../src/sync/sync-log.js';
import { analyticsQueryOf, memoryEngineOn } from './support/memory-engine-under-test.js';
import { NOW, leadsArb, queryArb } from './support/analytics-arbitraries.js';
import { clearAnalytics, insertLeads, insertSyncRun, type LeadRow } from './support/analytics-fixtures.js';
import { localDateOf, passesOtherFilters, referenceTrendSeries } from './support/reference-trends.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * Trends (SPEC §11) for random leads and random filters, on every dialect: the memory engine's
 * series equals the SQL engine's, both equal a naive reference in every zone tried, and with a
 * date range the series sums to the dashboard payload of the same request.
 */
export const TREND_ZONES = ['UTC', 'America/Santiago', 'Europe/Madrid', 'Asia/Kolkata', 'Australia/Lord_Howe'] as const;

const NO_TREND_FALLBACK: TrendEngine = { trends: () => Promise.reject(new Error('the memory trends fell back to SQL')) };

const caseArb = fc.record({ query: queryArb, interval: fc.constantFrom(...TREND_INTERVALS), zone: fc.constantFrom(...TREND_ZONES) });

describe.each(testDialects())('trends for random leads and filters on $dialect', (target) => {
  let app: TestApplication;
  let memory: MemoryAnalyticsEngine;
  const services = new Map<string, { sql: TrendsService; memory: TrendsService }>();

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => NOW });
    memory = memoryEngineOn(app.database);
    const sqlTrends = createSqlTrendEngine(app.database.db, syncLog);
    const memoryTrends = createMemoryTrendEngine(memory, NO_TREND_FALLBACK);
    for (const zone of TREND_ZONES) {
      services.set(zone, {
        sql: createTrendsService({ engine: sqlTrends, clock: () => NOW, timeZone: zone }),
        memory: createTrendsService({ engine: memoryTrends, clock: () => NOW, timeZone: zone }),
      });
    }
  });
  afterAll(async () => {
    await memory.close();
    await app.dispose();
  });

  const withoutMeta = ({ meta: _meta, ...body }: TrendsPayload) => body;

  it('memory = SQL = the naive reference, and a dated series sums to the payload', async () => {
    const analytics = createSqlAnalyticsEngine(app.database.db, syncLog);
    let dated = 0;
    await fc.assert(
      fc.asyncProperty(leadsArb(), fc.array(caseArb, { minLength: 1, maxLength: 6 }), async (leads: LeadRow[], cases) => {
        await clearAnalytics(app.database.db);
        await insertLeads(app.database.db, leads);
        await insertSyncRun(app.database.db, { watermark: '2026-04-17 10:00' });
        await memory.refresh();
        for (const { query, interval, zone } of cases) {
          const trendQuery = { ...analyticsQueryOf(query), interval };
          const service = services.get(zone)!;
          const fromSql = withoutMeta(await service.sql.query(trendQuery));
          const fromMemory = withoutMeta(await service.memory.query(trendQuery));
          expect(fromMemory, `${zone} ${interval} ${JSON.stringify(query)}`).toStrictEqual(fromSql);
          expect(fromSql.series, `${zone} ${interval} ${JSON.stringify(query)}`).toStrictEqual(referenceTrendSeries(leads, query, zone, fromSql.series));
          if (trendQuery.dateRange) {
            dated += 1;
            const { body } = await analytics.compute(planAnalytics(trendQuery, zone), NOW);
            expect(fromSql.series.reduce((sum, point) => sum + point.total_leads, 0)).toBe(body.kpis.total_leads.current);
            expect(fromSql.series.reduce((sum, point) => sum + point.won, 0)).toBe(body.outcome_summary.won);
            expect(fromSql.series.reduce((sum, point) => sum + point.total_shipments, 0)).toBe(body.kpis.total_shipments.current);
            expect(fromSql.series[0]?.start).toBe(trendQuery.dateRange.startDate);
            expect(fromSql.series.at(-1)?.end).toBe(trendQuery.dateRange.endDate);
          } else {
            const dates = leads.filter((lead) => passesOtherFilters(lead, query)).map((lead) => localDateOf(lead.created_at, zone));
            const earliest = dates.reduce<string | null>((min, date) => (min === null || date < min ? date : min), null);
            expect(fromSql.series[0]?.start ?? null).toBe(earliest);
            if (earliest !== null && earliest <= '2026-04-17') expect(fromSql.series.at(-1)?.end).toBe('2026-04-17');
          }
        }
      }),
      { numRuns: target.dialect === 'sqlite' ? 60 : 25 },
    );
    expect(dated).toBeGreaterThan(0);
  });
});
