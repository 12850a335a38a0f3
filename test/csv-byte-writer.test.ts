import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoOf } from '../src/domain/lead-list.js';
import { roundHalfAwayFromZero } from '../src/domain/rounding.js';
import { CsvByteWriter } from '../src/engine/memory/csv-byte-writer.js';

/** What one call of the writer writes, as text (a small block: the writer must grow on its own when reserved). */
function written(write: (out: CsvByteWriter) => void): string {
  const out = new CsvByteWriter(16);
  out.reserve(256);
  write(out);
  return new TextDecoder().decode(out.take());
}

// The memory engine's CSV writes digits by hand: each must be what String / isoOf would write.
describe('CsvByteWriter', () => {
  it('writes numbers as String does', () => {
    for (const value of [0, -0, 7, 10, 99, 100, -45, 123_456_789, 999_999_999_999_999, 1e15, 1e21, 0.5, -2.25, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(written((out) => out.number(value))).toBe(String(value));
    }
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double()), (value) => {
        expect(written((out) => out.number(value))).toBe(String(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes money as String(roundHalfAwayFromZero(value, 2)), half cents included', () => {
    for (const value of [0, -0, 1.005, 2.675, 1.015, -1.005, 0.125, 0.005, -0.004, 12.3, 12, 99.995, 1e11 + 0.005, 5e12, 123_456_789.125, -0.5]) {
      expect(written((out) => out.money(value))).toBe(String(roundHalfAwayFromZero(value, 2)));
    }
    const cents = fc.integer({ min: -1e12, max: 1e12 });
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -1e13, max: 1e13, noNaN: true }), cents.map((c) => c / 100), cents.map((c) => (c + 0.5) / 100), cents.map((c) => c / 1000)), (value) => {
        expect(written((out) => out.money(value))).toBe(String(roundHalfAwayFromZero(value, 2)));
      }),
      { numRuns: 5000 },
    );
  });

  it('writes instants as isoOf does', () => {
    const instants = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) });
    fc.assert(
      fc.property(fc.array(instants, { minLength: 1, maxLength: 5 }), (values) => {
        // Several per writer: the date part is kept per day slot.
        expect(written((out) => values.forEach((value) => out.instant(value)))).toBe(values.map(isoOf).join(''));
      }),
      { numRuns: 2000 },
    );
    expect(written((out) => out.instant(Date.UTC(2026, 0, 1) + 0.5))).toBe(isoOf(Date.UTC(2026, 0, 1) + 0.5));
  });

  it('hands out what was written since the last take, across blocks', () => {
    const out = new CsvByteWriter(8);
    const texts = ['first,', 'a longer second piece,', 'third'];
    const pieces = texts.map((text) => {
      out.reserve(text.length * 3);
      out.text(text);
      return out.take();
    });
    expect(pieces.map((piece) => new TextDecoder().decode(piece))).toEqual(texts);
  });
});
