import type { Server } from '@hapi/hapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_LIMITS } from '../src/http/http-hygiene.js';
import { createServer } from '../src/http/server.js';
import { STAGES, queryArb, queryString } from './support/analytics-arbitraries.js';
import { ANALYTICS_URL, adminToken, insertLeads, insertStages, leadRow } from './support/analytics-fixtures.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * Hostile query strings on the analytics route, through hapi's own parsing (`server.inject`):
 * any keys, repeated keys, `__proto__` and `constructor`, unicode, huge values, broken
 * percent-encoding. Every answer is a 200 or a 422 (a 414 past the URL bound), never a 5xx, and
 * Object.prototype stays as it was. FUZZ_RUNS sets the cases per dialect (default 400).
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 400);

const PARAMETERS = ['startDate', 'endDate', 'localeIds', 'salesman', 'tier', 'stage', 'product'];
const POLLUTING_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '__proto__[polluted]',
  '__proto__.polluted',
  'constructor[prototype][polluted]',
  'constructor.prototype.polluted',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  '__lookupSetter__',
  'isPrototypeOf',
];
const PERCENT_GARBAGE = ['%', '%%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%FF%FE', '%u0041', '%25%32%35', '%2', '+', '%2B', '%26', '%3D', '%0A%0D', '%E2%80%AE', '%F0%9F%98'];

const unicodeText = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });
const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PARAMETERS) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTING_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'startdate', 'STAGE', 'a[b]', 'tier[]', 'localeIds[0]') },
  { weight: 1, arbitrary: unicodeText(12) },
);
const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('2026-04-01', '2026-02-30', '1,2,3', '0', '5', '-1', 'won', 'customer_lost', STAGES[0][0], 'packageContent.food', '') },
  { weight: 2, arbitrary: fc.constantFrom(...PERCENT_GARBAGE) },
  { weight: 2, arbitrary: unicodeText(40) },
  { weight: 1, arbitrary: fc.constantFrom('1e3', '0x10', 'NaN', 'Infinity', '9'.repeat(400), '1,'.repeat(150), '__proto__', 'constructor') },
  // Valid for SPEC §4 yet beyond the 32-bit id columns.
  { weight: 1, arbitrary: fc.constantFrom('2147483648', '4294967296,1', '9007199254740991', '9007199254740992') },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 12_000 }).map((length) => 'x'.repeat(length)) },
);
/** How a pair is written: as a browser would encode it, raw, or with the value's encoding broken. */
const encoding = fc.constantFrom('encoded', 'encoded', 'raw', 'value-raw');
const pair = fc.tuple(key, value, encoding).map(([name, text, how]) =>
  how === 'encoded' ? `${encodeURIComponent(name)}=${encodeURIComponent(text)}` : how === 'raw' ? `${name}=${text}` : `${encodeURIComponent(name)}=${text}`,
);

/** Query strings: hostile pairs (a key sometimes repeated), valid queries, and raw text. */
const hostileQuery = fc.oneof(
  { weight: 5, arbitrary: fc.array(pair, { maxLength: 8 }).chain((pairs) => fc.constantFrom(pairs, [...pairs, ...pairs.slice(0, 1)])).map((pairs) => pairs.join('&')) },
  { weight: 2, arbitrary: queryArb.map(queryString) },
  { weight: 1, arbitrary: fc.tuple(queryArb.map(queryString), pair).map(([valid, extra]) => `${valid}&${extra}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);

const prototypeSnapshot = () =>
  Object.getOwnPropertyNames(Object.prototype)
    .sort()
    .map((name) => [name, Object.getOwnPropertyDescriptor(Object.prototype, name)?.value as unknown]);

describe.each(testDialects())('hostile query strings on $dialect', (target) => {
  let app: TestApplication;
  let server: Server;

  beforeAll(async () => {
    app = await createTestApplication(target);
    server = await createServer(app);
    await insertStages(app.database.db, STAGES);
    await insertLeads(app.database.db, [
      leadRow({ id: 1, created: '2026-04-01 10:00', stage: STAGES[0][0], product: 'packageContent.food', tier: 2 }),
      leadRow({ id: 2, type: 'prospect', created: '2026-03-02 10:00', won: true, wonAt: '2026-04-02 10:00' }),
    ]);
  });
  afterAll(async () => app.dispose());

  it('answers 200 or 422 (414 past the URL bound), never a 5xx, and leaves Object.prototype untouched', async () => {
    const before = prototypeSnapshot();
    const token = adminToken();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileQuery, async (query) => {
        const url = `${ANALYTICS_URL}?${query}`;
        const response = await server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode, response.payload).toBeLessThan(500);
        // A fragment (`#…`) never reaches the server: only what precedes it counts.
        if (url.split('#')[0]!.length > REQUEST_LIMITS.maxUrlLength) expect(response.statusCode).toBe(414);
        else expect([200, 422], `${response.statusCode} ${response.payload}`).toContain(response.statusCode);
        const body = JSON.parse(response.payload) as Record<string, unknown>;
        if (response.statusCode === 200) expect(Object.keys(body)).toContain('kpis');
        else expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
        expect(prototypeSnapshot()).toEqual(before);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      {
        numRuns: FUZZ_RUNS,
        // Found by this property on PostgreSQL (500s before the fix in src/engine/sql/lead-filter-sql.ts).
        examples: [['salesman=2147483648'], ['localeIds=9007199254740991,1'], ['product=%00'], ['tier=1&product=a%00b']],
      },
    );
    const fiveXx = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
    console.log(`[figures] query property, ${target.dialect}: ${FUZZ_RUNS} cases, statuses ${JSON.stringify(Object.fromEntries(statuses))}, 5xx ${fiveXx}`);
  }, 240_000);
});
