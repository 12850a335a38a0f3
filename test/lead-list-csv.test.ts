import type { Server } from '@hapi/hapi';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken } from '../src/auth/tokens.js';
import { LEAD_LIST_FIELDS, type LeadListRow } from '../src/domain/lead-list.js';
import type { LeadListEngine } from '../src/engine/lead-list-engine.js';
import { createMemoryLeadList } from '../src/engine/memory/memory-lead-list.js';
import { createSqlAnalyticsEngine } from '../src/engine/sql/sql-analytics-engine.js';
import { createServer } from '../src/http/server.js';
import { syncLog } from '../src/sync/sync-log.js';
import { createLeadCursorCodec } from '../src/lead-list/lead-cursor-codec.js';
import { createLeadListService } from '../src/lead-list/lead-list-service.js';
import { memoryEngineOn } from './support/memory-engine-under-test.js';
import { NOW, STAGES, leadsArb, queryArb, queryString } from './support/analytics-arbitraries.js';
import { adminToken, insertLeads, insertStages, insertSyncRun, leadRow } from './support/analytics-fixtures.js';
import { createTestApplication, TEST_JWT_SECRET, testDialects, type TestApplication } from './support/test-application.js';
import { getLeads } from './support/lead-list-fixtures.js';

/**
 * SPEC §10's CSV and refusals on every dialect: the file, read back by a real CSV parser
 * (csv-parse), holds the JSON rows; quoting and the formula-injection guard; the headers; every
 * 422 of §10 (an edited cursor included) after 401 and 403; back-pressure and a stop on disconnect.
 */

interface ListBody {
  total: number;
  leads: LeadListRow[];
  next_cursor: string | null;
}

/** What a CSV field of a JSON row must read as. */
function csvTextOf(row: LeadListRow): Record<string, string> {
  const guarded = new Set(['name', 'salesman', 'product', 'stage_name']);
  return Object.fromEntries(
    LEAD_LIST_FIELDS.map((field) => {
      const value = row[field];
      if (value === null) return [field, ''];
      const text = String(value);
      return [field, guarded.has(field) && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text];
    }),
  );
}

const parseCsv = (text: string) => parse(text, { columns: true, record_delimiter: '\r\n', relax_quotes: false }) as Record<string, string>[];

const HOSTILE = [
  { id: 1, name: '=HYPERLINK("http://evil","click")', salesman: [1, '+cmd|calc'] as const, product: '-2+3', created: '2026-01-05 10:00' },
  { id: 2, name: 'Acme, Inc.', salesman: [2, '@SUM(A1)'] as const, product: 'say "hi"', created: '2026-01-06 10:00' },
  { id: 3, name: 'two\r\nlines', product: '\ttabbed', created: '2026-01-07 10:00' },
  { id: 4, name: '\rcarriage', product: null, created: '2026-01-08 10:00' },
  { id: 5, name: 'plain = not first', salesman: [3, 'Ana María'] as const, product: 'packageContent.ñandú', created: '2026-01-09 10:00' },
  { id: 6, name: '"quoted"', created: '2026-01-10 10:00', stage: '-negative stage' },
];

describe.each(testDialects())('the lead list CSV and refusals on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => NOW });
    server = await createServer(app);
    await insertStages(app.database.db, [...STAGES, ['-negative stage', 'danger']]);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });

  async function load(rows: Parameters<typeof insertLeads>[1]) {
    await app.database.db.deleteFrom('crm_analytics_leads').execute();
    await insertLeads(app.database.db, rows);
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:58' });
  }

  async function allJsonRows(query: string): Promise<LeadListRow[]> {
    const rows: LeadListRow[] = [];
    let cursor: string | null = null;
    do {
      const response = await getLeads(server, [query, 'limit=1000', cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&'));
      expect(response.statusCode, response.payload).toBe(200);
      const body = JSON.parse(response.payload) as ListBody;
      rows.push(...body.leads);
      cursor = body.next_cursor;
    } while (cursor !== null);
    return rows;
  }

  it('quotes per RFC 4180 and guards formulas; a real CSV parser reads back the JSON rows', async () => {
    await load(HOSTILE.map((fixture) => leadRow({ ...fixture, value: 12.345, rate: 1 })));
    const response = await getLeads(server, 'format=csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="crm-leads-all-time.csv"');
    const text = response.payload;
    expect(text.startsWith(`${LEAD_LIST_FIELDS.join(',')}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
    expect(text).toContain(`'+cmd|calc`);
    expect(text).toContain(`"Acme, Inc."`);
    expect(text).toContain(`"two\r\nlines"`);
    expect(text).toContain(`"'\rcarriage"`);
    expect(text).toContain(`'\ttabbed`);
    expect(text).toContain(`'-negative stage`);
    expect(text).toContain(`plain = not first`);
    const json = await allJsonRows('');
    expect(parseCsv(text)).toStrictEqual(json.map(csvTextOf));

    // The memory engine writes the same bytes straight from its store.
    const engine = memoryEngineOn(app.database, { fallback: createSqlAnalyticsEngine(app.database.db, syncLog) });
    await engine.refresh();
    const failing = () => Promise.reject(new Error('the memory engine should have answered'));
    const memory = createLeadListService({
      engine: createMemoryLeadList(engine, { page: failing, exportRows: failing }),
      cursors: createLeadCursorCodec(TEST_JWT_SECRET),
      clock: () => NOW,
      timeZone: 'UTC',
    });
    for (const sort of ['created_at', '-value_usd'] as const) {
      const { stream } = await memory.csv({ filters: {}, outcome: null, sort, limit: 100, cursor: null, format: 'csv' });
      let memoryCsv = '';
      for await (const chunk of stream) memoryCsv += String(chunk);
      expect(memoryCsv).toBe((await getLeads(server, `format=csv&sort=${sort}`)).payload);
    }
  });

  it('holds the same rows as the JSON pages, in the same order, for random filters and both sorts', async () => {
    const leads = fc.sample(leadsArb(150), { seed: 99, numRuns: 1 })[0]!;
    await load(leads);
    const queries = fc.sample(queryArb, { seed: 5, numRuns: target.dialect === 'sqlite' ? 12 : 6 });
    for (const [index, filters] of queries.entries()) {
      const query = [queryString(filters), index % 2 === 0 ? 'sort=-value_usd' : '', index % 3 === 0 ? 'outcome=remaining' : ''].filter(Boolean).join('&');
      const response = await getLeads(server, `${query ? `${query}&` : ''}format=csv`);
      expect(response.statusCode, response.payload).toBe(200);
      const expectedName = filters.startDate ? `crm-leads-${filters.startDate}-${filters.endDate}.csv` : 'crm-leads-all-time.csv';
      expect(response.headers['content-disposition']).toBe(`attachment; filename="${expectedName}"`);
      expect(parseCsv(response.payload)).toStrictEqual((await allJsonRows(query)).map(csvTextOf));
    }
  });

  it('refuses every bad parameter of §10 with a 422 naming it, after 401 and 403', async () => {
    await load(fc.sample(leadsArb(40), { seed: 1, numRuns: 1 })[0]!);
    const first = JSON.parse((await getLeads(server, 'limit=2')).payload) as ListBody;
    const cursor = first.next_cursor!;
    const [body, signature] = cursor.split('.') as [string, string];
    const forged = Buffer.from(Buffer.from(body, 'base64url').toString().replace(/,(\d+),/, (_, id: string) => `,${Number(id) + 1},`)).toString('base64url');
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
    const refusals: [string, string][] = [
      ['outcome=winning', 'outcome'],
      ['outcome=won&outcome=lost', 'outcome'],
      ['sort=value_usd', 'sort'],
      ['sort=-created_at', 'sort'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=5&limit=6', 'limit'],
      ['format=xlsx', 'format'],
      ['format=csv&limit=10', 'limit'],
      [`format=csv&cursor=${encodeURIComponent(cursor)}`, 'cursor'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${encodeURIComponent(`${forged}.${signature}`)}`, 'cursor'],
      [`cursor=${encodeURIComponent(`${body}.${flipped}`)}`, 'cursor'],
      [`cursor=${encodeURIComponent(cursor)}x`, 'cursor'],
      [`sort=-value_usd&cursor=${encodeURIComponent(cursor)}`, 'cursor'],
      ['startDate=2026-01-01', 'endDate'],
      ['startDate=2026-02-30&endDate=2026-03-01', 'startDate'],
      ['tier=6', 'tier'],
      ['stage=nowhere', 'stage'],
      ['page=2', 'page'],
    ];
    for (const [query, parameter] of refusals) {
      const response = await getLeads(server, query);
      expect(response.statusCode, `${query}: ${response.payload}`).toBe(422);
      expect((JSON.parse(response.payload) as { message: string }).message, query).toContain(`"${parameter}"`);
    }
    // A cursor signed with another key is not this endpoint's.
    const stranger = createLeadCursorCodec('another-secret-0123456789abcdef0123456789').encode({
      sort: 'created_at',
      after: { created_at: 0, record_type: 'company', record_id: 1, value: null },
    });
    expect((await getLeads(server, `cursor=${encodeURIComponent(stranger)}`)).statusCode).toBe(422);
    // Empty values are absent.
    expect((await getLeads(server, 'outcome=&sort=&limit=&cursor=&format=')).statusCode).toBe(200);
    // Authentication, then authorisation, then parameters.
    expect((await getLeads(server, 'limit=0', null)).statusCode).toBe(401);
    expect((await getLeads(server, 'limit=0', issueAdminToken(TEST_JWT_SECRET, { permissions: [] }))).statusCode).toBe(403);
    expect((await getLeads(server, 'limit=0', adminToken())).statusCode).toBe(422);
  });
});

describe('the CSV stream', () => {
  /** An engine whose export never ends, counting the batches pulled and whether it was stopped. */
  function endlessEngine() {
    const state = { pulled: 0, stopped: false };
    const row = {
      record_type: 'company', record_id: 1, name: 'x', salesman_id: null, salesman: null, locale_id: 1, tier_label: '', stage_name: 'a',
      stage_color: 'primary', product: null, monthly_shipments: 0, value_usd: 0, is_won: false, is_lost: false, won_at: null, closing_days: null,
      created_at: '2026-01-01T00:00:00.000Z', last_activity_at: null, age_days: 0,
    } satisfies LeadListRow;
    const engine: LeadListEngine = {
      page: () => Promise.reject(new Error('not used')),
      exportRows: () =>
        Promise.resolve({
          generation: null,
          batches: (async function* () {
            try {
              for (;;) {
                state.pulled += 1;
                await Promise.resolve();
                yield Array.from({ length: 1000 }, () => row);
              }
            } finally {
              state.stopped = true;
            }
          })(),
        }),
    };
    return { engine, state };
  }

  it('pulls batches only as the reader takes them, and stops the engine when destroyed', async () => {
    const { engine, state } = endlessEngine();
    const service = createLeadListService({ engine, cursors: createLeadCursorCodec('k'.repeat(40)), clock: () => 0, timeZone: 'UTC' });
    const { stream } = await service.csv({ filters: {}, outcome: null, sort: 'created_at', limit: 100, cursor: null, format: 'csv' });
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    stream.pause();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const pulledWhilePaused = state.pulled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Back-pressure: a paused reader stops the pulls (a buffer's worth at most).
    expect(state.pulled).toBe(pulledWhilePaused);
    // A few chunks of about 8 ms of formatting each, not the endless export.
    expect(state.pulled).toBeLessThan(200);
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.stopped).toBe(true);
  });
});
