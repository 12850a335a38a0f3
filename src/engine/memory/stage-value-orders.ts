import { forEachSlice, sortInSlices } from './cooperative-work.js';
import type { LeadStageEntries } from './lead-stage-entries.js';
import { LOST, WON } from './store-columns.js';

/**
 * The values SPEC §12's percentiles are taken from, per stage code, sorted ONCE per visit store
 * (they depend on the store alone, not on the request): each lead's total completed time in the
 * stage (the entries' `completed`) and, for the current visits of leads neither won nor lost,
 * −entered_at (ordered like the ages, independent of `now`; see memory-stage-history.ts). A request
 * over the whole store then reads a nearest-rank percentile as a direct index into a stage's run,
 * instead of gathering ~2,000,000 values and selecting among them (about two thirds of that
 * computation at 1,000,000 leads). 8 bytes per entry with a completed time + 8 per open lead.
 */
export interface StageValueOrders {
  /** Stage codes + 1 offsets: code c's completed times are completed[completedStart[c], completedStart[c + 1]). */
  readonly completedStart: Uint32Array;
  /** Ascending within each code's run. */
  readonly completed: Float64Array;
  /** Stage codes + 1 offsets into negatedEnteredAt. */
  readonly currentStart: Uint32Array;
  /** −entered_at of the current visits, ascending within each code's run. */
  readonly negatedEnteredAt: Float64Array;
}

export function stageValueOrdersBytes(orders: StageValueOrders): number {
  return orders.completedStart.byteLength + orders.completed.byteLength + orders.currentStart.byteLength + orders.negatedEnteredAt.byteLength;
}

/**
 * The orders of a visit store (`start`, `stage`, `enteredAt`: stage-visit-store.ts) whose leads
 * carry `flags`, worked out a slice at a time (the sorts alone take ~0.8 s at 1,000,000 leads).
 */
export async function stageValueOrdersOf(
  visits: { readonly start: Uint32Array; readonly stage: Uint16Array; readonly enteredAt: Float64Array; readonly stageIds: readonly number[] },
  entries: LeadStageEntries,
  flags: Uint8Array,
): Promise<StageValueOrders> {
  const codes = visits.stageIds.length;
  const { start, stage, enteredAt } = visits;
  const leads = start.length - 1;
  const completedStart = new Uint32Array(codes + 1);
  const currentStart = new Uint32Array(codes + 1);
  const { code: entryCode, completed: entryCompleted } = entries;
  // Counting sort by code (the runs), then each run sorted by value.
  await forEachSlice(entryCode.length, (from, to) => {
    for (let e = from; e < to; e++) {
      const total = entryCompleted[e] as number;
      if (total === total) completedStart[(entryCode[e] as number) + 1] = (completedStart[(entryCode[e] as number) + 1] as number) + 1;
    }
  });
  await forEachSlice(leads, (from, to) => {
    for (let row = from; row < to; row++) {
      const end = start[row + 1] as number;
      if (end === (start[row] as number) || ((flags[row] as number) & (WON | LOST)) !== 0) continue;
      currentStart[(stage[end - 1] as number) + 1] = (currentStart[(stage[end - 1] as number) + 1] as number) + 1;
    }
  });
  for (let code = 0; code < codes; code++) {
    completedStart[code + 1] = (completedStart[code + 1] as number) + (completedStart[code] as number);
    currentStart[code + 1] = (currentStart[code + 1] as number) + (currentStart[code] as number);
  }
  const completed = new Float64Array(completedStart[codes] as number);
  const negatedEnteredAt = new Float64Array(currentStart[codes] as number);
  const completedFill = completedStart.slice(0, codes);
  const currentFill = currentStart.slice(0, codes);
  await forEachSlice(entryCode.length, (from, to) => {
    for (let e = from; e < to; e++) {
      const total = entryCompleted[e] as number;
      if (total !== total) continue;
      const code = entryCode[e] as number;
      completed[completedFill[code] as number] = total;
      completedFill[code] = (completedFill[code] as number) + 1;
    }
  });
  await forEachSlice(leads, (from, to) => {
    for (let row = from; row < to; row++) {
      const end = start[row + 1] as number;
      if (end === (start[row] as number) || ((flags[row] as number) & (WON | LOST)) !== 0) continue;
      const code = stage[end - 1] as number;
      negatedEnteredAt[currentFill[code] as number] = -(enteredAt[end - 1] as number);
      currentFill[code] = (currentFill[code] as number) + 1;
    }
  });
  for (let code = 0; code < codes; code++) {
    await sortInSlices(completed.subarray(completedStart[code], completedStart[code + 1]));
    await sortInSlices(negatedEnteredAt.subarray(currentStart[code], currentStart[code + 1]));
  }
  return { completedStart, completed, currentStart, negatedEnteredAt };
}
