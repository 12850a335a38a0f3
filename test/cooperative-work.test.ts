import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachSlice, sortInSlices } from '../src/engine/memory/cooperative-work.js';

/** The memory engine's sliced loops and sort must do exactly what one loop and `sort()` do. */
describe('cooperative work', () => {
  it('sorts like Float64Array.prototype.sort, across pieces and merge passes', async () => {
    await fc.assert(
      // 300,001: runs merged a part at a time (merges longer than one slice's outputs).
      fc.asyncProperty(fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.constant(300_001)), fc.integer(), async (length, seed) => {
        let state = seed >>> 0 || 1;
        const values = new Float64Array(length);
        for (let index = 0; index < length; index++) {
          state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
          // Few distinct values among many: ties across pieces.
          values[index] = (state % 1_000) * (state & 1 ? 1 : -1.5);
        }
        const expected = values.slice().sort();
        await sortInSlices(values);
        expect(values).toEqual(expected);
      }),
      { numRuns: 12 },
    );
  });

  it('visits every index once, in order, however the slices fall', async () => {
    for (const count of [0, 1, 8_191, 8_192, 8_193, 100_000]) {
      const seen: number[] = [];
      await forEachSlice(count, (from, to) => {
        for (let index = from; index < to; index++) seen.push(index);
      });
      expect(seen).toEqual(Array.from({ length: count }, (_, index) => index));
    }
  });
});
