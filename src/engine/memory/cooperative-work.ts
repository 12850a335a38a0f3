/**
 * Work over a whole store (a million rows, two million visits) done a slice at a time, with a turn
 * of the event loop between slices: the store being built is not serving yet, but the process
 * is, and a 200 ms loop or an 800 ms sort would hold every request back (docs/memory-engine.md,
 * "no pauses").
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Longest run of work between two turns of the event loop. Short, because requests queue behind
 * it: between two slices every request waiting runs (each a few ms), so a request waits a slice at
 * most, and the background work only slows down while requests keep coming.
 */
export const COOPERATIVE_SLICE_MS = 5;
/** Items between two looks at the clock. */
const PROBE_ITEMS = 8_192;
/** Values sorted natively in one piece before the pieces are merged. */
const SORT_PIECE = 32_768;

/**
 * When the running slice began: one clock for all the cooperative work of the process, not one
 * per call. A refresh makes dozens of sliced calls one after the other (a sort per stage, a loop
 * per column); with a budget of its own each, a run of short calls added up to 40–70 ms without
 * a turn, though each stayed under the budget.
 */
let sliceStartedAt = performance.now();

/**
 * A turn of the event loop: what is waiting (requests, timers, I/O) runs before the work goes on,
 * in a new slice.
 */
export async function turn(): Promise<void> {
  await nextTurn();
  sliceStartedAt = performance.now();
}

/**
 * Takes a turn of the event loop when the running slice has lasted COOPERATIVE_SLICE_MS. Cheap
 * enough to call every few thousand items.
 */
export async function breathe(): Promise<void> {
  if (performance.now() - sliceStartedAt >= COOPERATIVE_SLICE_MS) await turn();
}

/**
 * Calls `body(from, to)` over consecutive ranges covering [0, count), in order, taking a turn of
 * the event loop whenever the slice has run COOPERATIVE_SLICE_MS. `body` keeps its own state
 * between calls (closures), exactly as one loop would.
 */
export async function forEachSlice(count: number, body: (from: number, to: number) => void): Promise<void> {
  for (let from = 0; from < count; ) {
    const to = Math.min(count, from + PROBE_ITEMS);
    body(from, to);
    from = to;
    await breathe();
  }
}

/**
 * Sorts `values` ascending, as `values.sort()` would, without holding the event loop: pieces of
 * SORT_PIECE sorted natively, then merged bottom-up through a scratch array, a pair of runs at a
 * time (a large pair a part at a time), with a turn whenever the slice has run
 * COOPERATIVE_SLICE_MS. NaN never occurs in the callers' values (times and instants), so plain
 * comparisons order them like the native sort.
 */
export async function sortInSlices(values: Float64Array): Promise<void> {
  const n = values.length;
  for (let from = 0; from < n; from += SORT_PIECE) {
    values.subarray(from, Math.min(n, from + SORT_PIECE)).sort();
    await breathe();
  }
  if (n <= SORT_PIECE) return;
  let source: Float64Array = values;
  let target: Float64Array = new Float64Array(n);
  for (let width = SORT_PIECE; width < n; width *= 2) {
    for (let low = 0; low < n; low += 2 * width) {
      await mergeRunsInSlices(source, target, low, Math.min(n, low + width), Math.min(n, low + 2 * width));
    }
    [source, target] = [target, source];
  }
  if (source !== values) values.set(source);
}

/** `mergeRuns`, PROBE_ITEMS × 16 outputs at a time: the last passes merge runs of up to n / 2 each. */
async function mergeRunsInSlices(source: Float64Array, target: Float64Array, low: number, middle: number, high: number): Promise<void> {
  const state = { left: low, right: middle, to: low };
  while (state.to < high) {
    mergeRuns(source, target, state, middle, high, Math.min(high, state.to + PROBE_ITEMS * 16));
    await breathe();
  }
}

/**
 * Continues merging source[left, middle) and source[right, high), each ascending, into target
 * from `to`, until `to` reaches `until`; `state` holds where it stopped.
 */
function mergeRuns(
  source: Float64Array,
  target: Float64Array,
  state: { left: number; right: number; to: number },
  middle: number,
  high: number,
  until: number,
): void {
  let { left, right, to } = state;
  while (to < until && left < middle && right < high) {
    const a = source[left] as number;
    const b = source[right] as number;
    if (b < a) {
      target[to++] = b;
      right++;
    } else {
      target[to++] = a;
      left++;
    }
  }
  while (to < until && left < middle) target[to++] = source[left++] as number;
  while (to < until && right < high) target[to++] = source[right++] as number;
  state.left = left;
  state.right = right;
  state.to = to;
}
