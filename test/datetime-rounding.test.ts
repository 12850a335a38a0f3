import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDbDateTime, parseDbDateTime } from '../src/db/datetime.js';
import { roundHalfAwayFromZero } from '../src/domain/rounding.js';

describe('database datetimes', () => {
  it('writes UTC text, with milliseconds only when there are some', () => {
    expect(formatDbDateTime(Date.parse('2026-01-31T12:34:56.000Z'))).toBe('2026-01-31 12:34:56');
    expect(formatDbDateTime(Date.parse('2026-01-31T12:34:56.007Z'))).toBe('2026-01-31 12:34:56.007');
  });

  it('reads every form the drivers give back', () => {
    const expected = Date.parse('2026-01-31T12:34:56.500Z');
    for (const text of ['2026-01-31 12:34:56.500', '2026-01-31 12:34:56.5', '2026-01-31T12:34:56.500Z', '2026-01-31 12:34:56.500000']) {
      expect(parseDbDateTime(text)).toBe(expected);
    }
    expect(parseDbDateTime('2026-01-31 12:34:56')).toBe(Date.parse('2026-01-31T12:34:56Z'));
    expect(() => parseDbDateTime('31/01/2026')).toThrow(RangeError);
  });

  it('round-trips any instant, and text order equals time order for bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), (a, b) => {
        expect(parseDbDateTime(formatDbDateTime(a))).toBe(a);
        // A whole-second bound compares as text exactly like instants, whichever way the value was stored.
        const bound = Math.floor(b / 1000) * 1000;
        const stored = formatDbDateTime(a);
        const storedWithMillis = `${new Date(a).toISOString().slice(0, 10)} ${new Date(a).toISOString().slice(11, 23)}`;
        for (const text of [stored, storedWithMillis]) {
          expect(text >= formatDbDateTime(bound)).toBe(a >= bound);
          expect(text < formatDbDateTime(bound)).toBe(a < bound);
        }
      }),
    );
  });
});

describe('roundHalfAwayFromZero', () => {
  it.each([
    [1.005, 2, 1.01],
    [1.004, 2, 1],
    [-1.005, 2, -1.01],
    [2.675, 2, 2.68],
    [0.125, 2, 0.13],
    [28.25, 1, 28.3],
    [28.35, 1, 28.4],
    [-0.04, 1, 0],
    [42, 1, 42],
    [1 / 3, 1, 0.3],
  ])('round(%s, %s) = %s', (value, decimals, expected) => {
    expect(roundHalfAwayFromZero(value, decimals)).toBe(expected);
  });

  it('agrees with exact decimal rounding on values with few decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (thousandths) => {
        const value = thousandths / 1000;
        const expected = Math.sign(thousandths) * Math.floor((Math.abs(thousandths) + 5) / 10) / 100;
        expect(roundHalfAwayFromZero(value, 2)).toBe(expected === 0 ? 0 : expected);
      }),
    );
  });
});
