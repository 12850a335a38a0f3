import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrendsPayload } from '../src/domain/trends.js';
import { createServer } from '../src/http/server.js';
import { adminToken, getAnalytics, insertLeads, insertStages, insertSyncRun, instant, leadRow, payloadOf } from './support/analytics-fixtures.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/** `GET /prospects/client-analytics/trends` on hand-made leads: exact series, edges and refusals (SPEC §11). */
const NOW = instant('2026-04-17 12:00');
const TRENDS_URL = '/prospects/client-analytics/trends';

const LEADS = [
  // Friday of the week before the range's first full week.
  leadRow({ id: 1, created: '2026-03-27 10:00', won: true, wonAt: '2026-04-01 10:00', value: 100, shipments: 3, salesman: [7, 'Ana'] }),
  leadRow({ id: 2, created: '2026-03-30 09:00', lost: true, rate: 20, value: 200, shipments: 1, locale: 2 }),
  leadRow({ id: 1, type: 'prospect', created: '2026-03-31T23:59:59.999Z' }),
  leadRow({ id: 3, created: '2026-04-06 00:00', hasRecharge: true, value: 33.33, shipments: 2, salesman: [7, 'Ana'] }),
  leadRow({ id: 4, created: '2026-04-07 23:59:59', won: true, wonAt: '2026-04-10 12:00', value: 50 }),
  leadRow({ id: 5, created: '2026-02-10 08:00', salesman: [7, 'Ana'] }),
  // Only `product=packageContent.old` reaches it: a range without dates then starts in 2020.
  leadRow({ id: 6, created: '2020-01-01 08:00', product: 'packageContent.old' }),
];

const FIELDS = [
  'start',
  'end',
  'total_leads',
  'won',
  'lost',
  'in_recharge',
  'remaining',
  'advancement_rate',
  'total_shipments',
  'value_usd',
  'closed_won',
  'avg_closing_days',
];

const empty = (start: string, end: string) => ({
  start,
  end,
  total_leads: 0,
  won: 0,
  lost: 0,
  in_recharge: 0,
  remaining: 0,
  advancement_rate: 0,
  total_shipments: 0,
  value_usd: 0,
  closed_won: 0,
  avg_closing_days: null,
});

describe.each(testDialects())('GET /prospects/client-analytics/trends on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target, { clock: () => NOW });
    await insertStages(app.database.db, [['contactado', 'primary']]);
    await insertLeads(app.database.db, LEADS);
    await insertSyncRun(app.database.db, { watermark: '2026-04-17 11:58' });
    server = await createServer(app);
  });
  afterAll(async () => {
    await server.stop();
    await app.dispose();
  });

  const get = (query: string, token: string | null = adminToken()) =>
    server.inject({ method: 'GET', url: query === '' ? TRENDS_URL : `${TRENDS_URL}?${query}`, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const trends = async (query: string): Promise<TrendsPayload> => {
    const response = await get(query);
    expect(response.statusCode, response.payload).toBe(200);
    return JSON.parse(response.payload) as TrendsPayload;
  };

  it('clips weeks to a range that starts mid-week and crosses a month end; won_at buckets closed_won', async () => {
    const payload = await trends('startDate=2026-03-25&endDate=2026-04-07&interval=week');
    expect(Object.keys(payload)).toEqual(['interval', 'series', 'meta']);
    expect(payload.interval).toBe('week');
    expect(payload.meta).toEqual({ source: 'live', computed_at: '2026-04-17T12:00:00.000Z', data_as_of: '2026-04-17T11:58:00.000Z' });
    for (const point of payload.series) expect(Object.keys(point)).toEqual(FIELDS);
    expect(payload.series).toEqual([
      { ...empty('2026-03-25', '2026-03-29'), total_leads: 1, won: 1, advancement_rate: 100, total_shipments: 3, value_usd: 100 },
      { ...empty('2026-03-30', '2026-04-05'), total_leads: 2, lost: 1, remaining: 1, total_shipments: 1, value_usd: 10, closed_won: 1, avg_closing_days: 5 },
      { ...empty('2026-04-06', '2026-04-07'), total_leads: 2, won: 1, in_recharge: 1, advancement_rate: 100, total_shipments: 2, value_usd: 83.33 },
    ]);
    // The series sums to the dashboard payload of the same filters.
    const body = payloadOf(await getAnalytics(server, 'startDate=2026-03-25&endDate=2026-04-07'));
    expect(payload.series.reduce((sum, point) => sum + point.total_leads, 0)).toBe(body.kpis.total_leads.current);
    expect(payload.series.reduce((sum, point) => sum + point.won, 0)).toBe(body.outcome_summary.won);
  });

  it('clips months, keeps empty buckets of a dated range, defaults to month', async () => {
    const payload = await trends('startDate=2026-01-15&endDate=2026-03-10');
    expect(payload.interval).toBe('month');
    expect(payload.series).toEqual([
      empty('2026-01-15', '2026-01-31'),
      { ...empty('2026-02-01', '2026-02-28'), total_leads: 1, remaining: 1 },
      empty('2026-03-01', '2026-03-10'),
    ]);
    expect((await trends('startDate=2026-01-15&endDate=2026-03-10&interval=')).interval).toBe('month');
    // A dated range where no lead matches: every bucket, all zero.
    expect((await trends('startDate=2026-04-01&endDate=2026-04-03&interval=day&salesman=999')).series).toEqual([
      empty('2026-04-01', '2026-04-01'),
      empty('2026-04-02', '2026-04-02'),
      empty('2026-04-03', '2026-04-03'),
    ]);
  });

  it('without dates, runs from the earliest matching lead to today; no matching lead gives an empty series', async () => {
    const bySalesman = await trends('salesman=7');
    expect(bySalesman.series.map(({ start, end }) => [start, end])).toEqual([
      ['2026-02-10', '2026-02-28'],
      ['2026-03-01', '2026-03-31'],
      ['2026-04-01', '2026-04-17'],
    ]);
    expect(bySalesman.series.map((point) => point.total_leads)).toEqual([1, 1, 1]);

    const won = await trends('stage=won');
    expect(won.series).toEqual([
      { ...empty('2026-03-27', '2026-03-31'), total_leads: 1, won: 1, advancement_rate: 100, total_shipments: 3, value_usd: 100 },
      { ...empty('2026-04-01', '2026-04-17'), total_leads: 1, won: 1, advancement_rate: 100, value_usd: 50, closed_won: 2, avg_closing_days: 3.5 },
    ]);

    const all = await trends('');
    expect(all.series[0]?.start).toBe('2020-01-01');
    expect(all.series.at(-1)?.end).toBe('2026-04-17');
    expect(all.series.reduce((sum, point) => sum + point.total_leads, 0)).toBe(LEADS.length);

    expect((await trends('salesman=999')).series).toEqual([]);
    expect((await trends('salesman=999&interval=day')).series).toEqual([]);
  });

  it('refuses a range of more than 1,000 buckets with a 422 naming interval', async () => {
    // 2026-01-01 + 999 days = 2028-09-26: 1,000 days.
    expect((await trends('startDate=2026-01-01&endDate=2028-09-26&interval=day')).series).toHaveLength(1000);
    for (const query of ['startDate=2026-01-01&endDate=2028-09-27&interval=day', 'startDate=1900-01-01&endDate=2026-01-01&interval=week', 'product=packageContent.old&interval=day']) {
      const response = await get(query);
      expect(response.statusCode, query).toBe(422);
      expect((JSON.parse(response.payload) as { message: string }).message, query).toContain('interval');
    }
    // Without dates and by month, the 2020 lead is fine.
    expect((await trends('product=packageContent.old')).series[0]).toEqual({ ...empty('2020-01-01', '2020-01-31'), total_leads: 1, remaining: 1 });
  });

  it('checks interval and the §4 parameters: 401, then 403, then 422 naming the parameter', async () => {
    for (const [query, name] of [
      ['interval=year', 'interval'],
      ['interval=Week', 'interval'],
      ['interval=day&interval=week', 'interval'],
      ['startDate=2026-01-01', 'endDate'],
      ['tier=9', 'tier'],
      ['stage=nope', 'stage'],
      ['bogus=1', 'bogus'],
    ] as const) {
      const response = await get(query);
      expect(response.statusCode, query).toBe(422);
      expect((JSON.parse(response.payload) as { message: string }).message, query).toContain(name);
    }
    expect((await get('interval=year', null)).statusCode).toBe(401);
    expect((await get('interval=year', adminToken({ permissions: [] }))).statusCode).toBe(403);
  });
});
