import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_FILTER, planAnalytics, previousPeriodOf } from '../src/domain/analytics-plan.js';
import { normalizeLocaleIds, parseLocaleIds, parseTiers, snapshotKeySource } from '../src/domain/analytics-query.js';
import { usdOf } from '../src/domain/money.js';

describe('the previous period', () => {
  it.each([
    ['2026-04-01', '2026-04-10', '2026-03-22', '2026-03-31'],
    ['2026-04-01', '2026-04-01', '2026-03-31', '2026-03-31'],
    ['2024-03-01', '2024-03-31', '2024-01-30', '2024-02-29'],
    ['2026-01-01', '2026-12-31', '2025-01-01', '2025-12-31'],
  ])('of %s … %s is %s … %s', (startDate, endDate, previousStart, previousEnd) => {
    expect(previousPeriodOf({ startDate, endDate })).toStrictEqual({ startDate: previousStart, endDate: previousEnd });
  });
});

describe('planAnalytics', () => {
  const range = { startDate: '2026-04-01', endDate: '2026-04-10' };
  const from = Date.parse('2026-04-01T00:00:00Z');
  const to = Date.parse('2026-04-11T00:00:00Z');

  it('names the lead set of every measure', () => {
    const plan = planAnalytics({ dateRange: range, localeIds: [2], salesman: 5, tiers: [1], product: 'p' }, 'UTC');
    const others = { ...NO_FILTER, localeIds: [2], salesmanId: 5, tiers: [1], product: 'p' };
    expect(plan.current).toStrictEqual({ ...others, createdAt: { from, to } });
    expect(plan.previous).toStrictEqual({ ...others, createdAt: { from: from - 10 * 86_400_000, to: from } });
    expect(plan.open).toStrictEqual({ ...others, createdAt: { from, to }, openOnly: true });
    expect(plan.closing).toStrictEqual({ ...others, wonAt: { from, to }, hasWonAt: true });
    expect(plan.executives).toStrictEqual({ ...NO_FILTER, localeIds: [2] });
  });

  it('has no previous period without a range, and stage=won or customer_lost shows closed leads', () => {
    expect(planAnalytics({}, 'UTC').previous).toBeNull();
    expect(planAnalytics({}, 'UTC').closing).toStrictEqual({ ...NO_FILTER, hasWonAt: true });
    expect(planAnalytics({ stage: 'won' }, 'UTC').open.openOnly).toBe(false);
    expect(planAnalytics({ stage: 'customer_lost' }, 'UTC').open.openOnly).toBe(false);
    expect(planAnalytics({ stage: 'in_recharge' }, 'UTC').open.openOnly).toBe(true);
    expect(planAnalytics({ stage: 'negociacion' }, 'UTC').open.openOnly).toBe(true);
  });
});

describe('parameter rules', () => {
  it('parses lists and normalises locale ids for the cache key', () => {
    expect(parseLocaleIds('3,1,3')).toStrictEqual({ ok: true, value: [3, 1, 3] });
    expect(parseLocaleIds('1,,2').ok).toBe(false);
    expect(parseTiers('0,5')).toStrictEqual({ ok: true, value: [0, 5] });
    expect(normalizeLocaleIds([3, 1, 3, 10, 2])).toStrictEqual([1, 2, 3, 10]);
    expect(snapshotKeySource({})).toBe('||');
    expect(snapshotKeySource({ dateRange: { startDate: '2026-01-01', endDate: '2026-01-31' }, localeIds: [3, 1, 3] })).toBe(
      '2026-01-01|2026-01-31|1,3',
    );
  });
});

describe('usdOf', () => {
  it('divides each rate total once: 1.00 at rate 8 is 0.125', () => {
    expect(usdOf([{ rate: 8, cents: 100 }])).toBe(0.125);
    expect(usdOf([])).toBe(0);
  });

  it('gives the same double however an engine split or ordered the groups', () => {
    const part = fc.record({ rate: fc.constantFrom(1, 20, 3.742, 4012.5, 0.921), cents: fc.integer({ min: 0, max: 10_000_000 }) });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 30 }), fc.integer(), (parts, seed) => {
        // split every part in two and shuffle: the multiset of cents per rate is unchanged
        const split = parts.flatMap(({ rate, cents }) => [
          { rate, cents: Math.floor(cents / 3) },
          { rate, cents: cents - Math.floor(cents / 3) },
        ]);
        const shuffled = split
          .map((entry, index) => ({ entry, key: Math.sin(seed + index) }))
          .sort((a, b) => a.key - b.key)
          .map(({ entry }) => entry);
        expect(usdOf(shuffled)).toBe(usdOf(parts));
      }),
    );
  });
});
