/**
 * Work over a whole store (a million rows, two million visits) done a slice at a time, with a turn
 * of the event loop between slices: the store being built is not serving yet, but the process
 * is, and a 200 ms loop or an 800 ms sort would hold every request back (docs/memory-engine.md,
 * "no pauses").
 */

/** Longest run of work between two turns of the event loop. */
export const COOPERATIVE_SLICE_MS = 15;
/** Items between two looks at the clock. */
const PROBE_ITEMS = 8_192;
/** Values sorted natively in one piece before the pieces are merged. */
const SORT_PIECE = 32_768;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Calls `body(from, to)` over consecutive ranges covering [0, count), in order, taking a turn of
 * the event loop whenever a slice has run COOPERATIVE_SLICE_MS. `body` keeps its own state between
 * calls (closures), exactly as one loop would.
 */
export async function forEachSlice(count: number, body: (from: number, to: number) => void): Promise<void> {
  let from = 0;
  while (from < count) {
    const started = performance.now();
    do {
      const to = Math.min(count, from + PROBE_ITEMS);
      body(from, to);
      from = to;
    } while (from < count && performance.now() - started < COOPERATIVE_SLICE_MS);
    if (from < count) await turn();
  }
}

/**
 * Sorts `values` ascending, as `values.sort()` would, without holding the event loop: pieces of
 * SORT_PIECE sorted natively, then merged bottom-up through a scratch array, one pair of runs at a
 * time with a turn whenever a slice has run COOPERATIVE_SLICE_MS. NaN never occurs in the callers'
 * values (times and instants), so plain comparisons order them like the native sort.
 */
export async function sortInSlices(values: Float64Array): Promise<void> {
  const n = values.length;
  let started = performance.now();
  const breathe = async () => {
    if (performance.now() - started >= COOPERATIVE_SLICE_MS) {
      await turn();
      started = performance.now();
    }
  };
  for (let from = 0; from < n; from += SORT_PIECE) {
    values.subarray(from, Math.min(n, from + SORT_PIECE)).sort();
    await breathe();
  }
  if (n <= SORT_PIECE) return;
  let source: Float64Array = values;
  let target: Float64Array = new Float64Array(n);
  for (let width = SORT_PIECE; width < n; width *= 2) {
    for (let low = 0; low < n; low += 2 * width) {
      mergeRuns(source, target, low, Math.min(n, low + width), Math.min(n, low + 2 * width));
      await breathe();
    }
    [source, target] = [target, source];
  }
  if (source !== values) values.set(source);
}

/** source[low, middle) and source[middle, high), each ascending, into target[low, high). */
function mergeRuns(source: Float64Array, target: Float64Array, low: number, middle: number, high: number): void {
  let left = low;
  let right = middle;
  let to = low;
  while (left < middle && right < high) {
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
  while (left < middle) target[to++] = source[left++] as number;
  while (right < high) target[to++] = source[right++] as number;
}
