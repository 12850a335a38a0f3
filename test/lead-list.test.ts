import type { Server } from '@hapi/hapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadListRow } from '../src/domain/lead-list.js';
import { createMemoryLeadList } from '../src/engine/memory/memory-lead-list.js';
import { createSqlAnalyticsEngine } from '../src/engine/sql/sql-analytics-engine.js';
import { createServer } from '../src/http/server.js';
import { createLeadCursorCodec } from '../src/lead-list/lead-cursor-codec.js';
import { createLeadListService, type LeadListService } from '../src/lead-list/lead-list-service.js';
import type { LeadListEngine } from '../src/engine/lead-list-engine.js';
import { syncLog } from '../src/sync/sync-log.js';
import { memoryEngineOn } from './support/memory-engine-under-test.js';
import { NOW, STAGES, leadsArb, queryArb, queryString } from './support/analytics-arbitraries.js';
import { getLeads } from './support/lead-list-fixtures.js';
import { getAnalytics, insertLeads, insertStages, insertSyncRun, payloadOf, type LeadRow } from './support/analytics-fixtures.js';
import { referenceLeadRows, type ReferenceListQuery } from './support/reference-lead-list.js';
import { createTestApplication, TEST_JWT_SECRET, testDialects, type TestApplication } from './support/test-application.js';
import { formatDbDateTime } from '../src/db/datetime.js';

/**
 * SPEC §10 on every dialect, for random leads and filters: `total` is the payload's count of the
 * same leads (total, outcome bucket, funnel stage); following next_cursor visits every row once, in
 * order; the SQL engine (through HTTP), the memory engine and a naive reference give the same rows.
 */

interface ListBody {
  total: number;
  leads: LeadListRow[];
  next_cursor: string | null;
  meta: { source: string; computed_at: string; data_as_of: string | null };
}

/** Leads with a last activity now and then (the fixtures leave it null). */
const leadsWithActivityArb = fc
  .tuple(leadsArb(120), fc.array(fc.option(fc.integer({ min: 0, max: 200 * 86_400 }), { nil: null }), { minLength: 120, maxLength: 120 }))
  .map(([leads, activity]): LeadRow[] =>
    leads.map((lead, index) => {
      const seconds = activity[index] ?? null;
      return seconds === null ? lead : { ...lead, last_activity_at: formatDbDateTime(Date.parse('2026-01-01T00:00:00Z') + seconds * 1000 + (index % 3)) };
    }),
  );

const listQueryArb: fc.Arbitrary<ReferenceListQuery & { limit: number }> = fc
  .record({
    filters: queryArb,
    outcome: fc.option(fc.constantFrom('won', 'lost', 'in_recharge', 'remaining' as const), { nil: undefined }),
    sort: fc.constantFrom('created_at', '-value_usd' as const),
    limit: fc.integer({ min: 1, max: 40 }),
  })
  .map(({ filters, outcome, sort, limit }) => ({ ...filters, ...(outcome ? { outcome } : {}), sort, limit }));

function listQueryString(query: ReferenceListQuery & { limit?: number }, cursor?: string | null): string {
  const { sort, limit, ...rest } = query;
  const parts = [queryString(rest)].filter((part) => part !== '');
  if (sort) parts.push(`sort=${encodeURIComponent(sort)}`);
  if (limit !== undefined) parts.push(`limit=${limit}`);
  if (cursor) parts.push(`cursor=${encodeURIComponent(cursor)}`);
  return parts.join('&');
}

async function leadsBody(server: Server, query: string): Promise<ListBody> {
  const response = await getLeads(server, query);
  if (response.statusCode !== 200) throw new Error(`${query}: ${response.statusCode} ${response.payload}`);
  return JSON.parse(response.payload) as ListBody;
}

const NO_FALLBACK: LeadListEngine = {
  page: () => Promise.reject(new Error('the memory engine should have answered')),
  exportRows: () => Promise.reject(new Error('the memory engine should have answered')),
};

describe.each(testDialects())('the lead list on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => NOW });
    server = await createServer(app);
    await insertStages(app.database.db, STAGES);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });

  async function memoryService(): Promise<LeadListService> {
    const engine = memoryEngineOn(app.database, { fallback: createSqlAnalyticsEngine(app.database.db, syncLog) });
    await engine.refresh();
    return createLeadListService({
      engine: createMemoryLeadList(engine, NO_FALLBACK),
      cursors: createLeadCursorCodec(TEST_JWT_SECRET),
      clock: () => NOW,
      timeZone: 'UTC',
    });
  }

  async function load(leads: readonly LeadRow[]): Promise<void> {
    await app.database.db.deleteFrom('crm_analytics_leads').execute();
    await insertLeads(app.database.db, leads);
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:58' });
  }

  it('counts what the dashboard counts, pages through every row once in order, and both engines agree with a naive reading', async () => {
    await fc.assert(
      fc.asyncProperty(leadsWithActivityArb, listQueryArb, async (leads, query) => {
        await load(leads);
        const { outcome: _outcome, sort: _sort, limit, ...filters } = query;
        const payload = payloadOf(await getAnalytics(server, queryString(filters)));
        const expected = referenceLeadRows(leads, query, NOW);

        // The SQL engine, through HTTP (this application's memory engine is not started).
        const pages: ListBody[] = [];
        let cursor: string | null = null;
        do {
          const body: ListBody = await leadsBody(server, listQueryString(query, cursor));
          pages.push(body);
          cursor = body.next_cursor;
          expect(pages.length).toBeLessThanOrEqual(expected.length + 1);
        } while (cursor !== null);
        const sqlRows = pages.flatMap((page) => page.leads);
        for (const page of pages) expect(page.total).toBe(expected.length);
        for (const page of pages.slice(0, -1)) expect(page.leads).toHaveLength(limit);
        expect(sqlRows).toStrictEqual(expected);

        if (query.outcome === undefined) expect(pages[0]!.total).toBe(payload.kpis.total_leads.current);
        else expect(pages[0]!.total).toBe(payload.outcome_summary[query.outcome]);
        if (query.stage !== undefined && query.outcome === undefined) {
          expect(pages[0]!.total).toBe(payload.sales_funnel.find((entry) => entry.stage_name === query.stage)?.count ?? 0);
        }

        // The memory engine, its cursors taken back by the SQL engine's HTTP route and vice versa.
        const memory = await memoryService();
        const memoryRows: LeadListRow[] = [];
        cursor = null;
        let round = 0;
        do {
          const body: { total: number; leads: readonly LeadListRow[]; next_cursor: string | null } =
            round % 2 === 0
              ? await memory.page({
                  filters: { ...(query.startDate ? { dateRange: { startDate: query.startDate, endDate: query.endDate! } } : {}), ...pick(query) },
                  outcome: query.outcome ?? null,
                  sort: query.sort ?? 'created_at',
                  limit,
                  cursor,
                  format: 'json',
                })
              : await leadsBody(server, listQueryString(query, cursor));
          expect(body.total).toBe(expected.length);
          memoryRows.push(...body.leads);
          cursor = body.next_cursor;
          round += 1;
        } while (cursor !== null);
        expect(memoryRows).toStrictEqual(expected);

        // The memory engine writes its CSV straight from the store: byte for byte the SQL engine's.
        const csvQuery = listQueryString({ ...query, limit: undefined });
        const sqlCsv = await getLeads(server, `${csvQuery ? `${csvQuery}&` : ''}format=csv`);
        expect(sqlCsv.statusCode, sqlCsv.payload).toBe(200);
        const { stream } = await memory.csv({
          filters: { ...(query.startDate ? { dateRange: { startDate: query.startDate, endDate: query.endDate! } } : {}), ...pick(query) },
          outcome: query.outcome ?? null,
          sort: query.sort ?? 'created_at',
          limit,
          cursor: null,
          format: 'csv',
        });
        let memoryCsv = '';
        for await (const chunk of stream) memoryCsv += String(chunk);
        expect(memoryCsv).toBe(sqlCsv.payload);
      }),
      { numRuns: target.dialect === 'sqlite' ? 60 : 20 },
    );
  });

  it('answers a cursor from before a sync with the rows after its position', async () => {
    const leads = fc.sample(leadsArb(120), { seed: 13, numRuns: 1 })[0]!;
    await load(leads);
    const first = await leadsBody(server, 'limit=10');
    expect(first.next_cursor).not.toBeNull();
    // A "sync": some rows go, some rows come, a new run is logged.
    await app.database.db.deleteFrom('crm_analytics_leads').where('record_id', '<=', 15).execute();
    const added = leads.slice(0, 5).map((lead) => ({ ...lead, record_id: lead.record_id + 10_000 }));
    await insertLeads(app.database.db, added);
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:59' });
    const kept = leads.filter((lead) => lead.record_id > 15).concat(added);
    const last = first.leads.at(-1)!;
    const expected = referenceLeadRows(kept, {}, NOW).filter(
      (row) => row.created_at! > last.created_at || (row.created_at === last.created_at && (row.record_type > last.record_type || (row.record_type === last.record_type && row.record_id > last.record_id))),
    );
    const next = await leadsBody(server, `limit=1000&cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect(next.leads).toStrictEqual(expected);
    const memory = await memoryService();
    const fromMemory = await memory.page({ filters: {}, outcome: null, sort: 'created_at', limit: 1000, cursor: first.next_cursor, format: 'json' });
    expect(fromMemory.leads).toStrictEqual(expected);
  });
});

function pick(query: ReferenceListQuery) {
  return {
    ...(query.localeIds ? { localeIds: query.localeIds } : {}),
    ...(query.salesman !== undefined ? { salesman: query.salesman } : {}),
    ...(query.tier ? { tiers: query.tier } : {}),
    ...(query.stage !== undefined ? { stage: query.stage } : {}),
    ...(query.product !== undefined ? { product: query.product } : {}),
  };
}
