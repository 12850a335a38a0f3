import { forEachSlice } from './cooperative-work.js';

/**
 * What a lead's visits say about each stage it visited, worked out once per visit store (they do
 * not depend on the request), so a request reads one entry per (lead, stage) instead of walking
 * and re-deriving every visit:
 * - `completed`: the lead's total time in its completed visits to the stage (ms, a negative visit
 *   counting 0); NaN when it has none;
 * - `later`: a bit per stage code visited after the lead's first visit to this stage, which a
 *   request ANDs with the codes of greater position ("advanced", SPEC §12). Stage codes fit 32 bits
 *   in any real pipeline; with more, `later` is null and the request walks the visits instead.
 */
export interface LeadStageEntries {
  /** Lead-store rows + 1 offsets into the entry columns. */
  readonly start: Uint32Array;
  readonly code: Uint16Array;
  readonly completed: Float64Array;
  readonly later: Uint32Array | null;
}

/** Most stage codes `later` can hold. */
export const MAX_MASKED_CODES = 32;

/** Worked out a slice of leads at a time (cooperative-work.ts): a million leads take ~200 ms. */
export async function leadStageEntriesOf(visits: {
  readonly start: Uint32Array;
  readonly stage: Uint16Array;
  readonly enteredAt: Float64Array;
  readonly stageIds: readonly number[];
}): Promise<LeadStageEntries> {
  const { start, stage, enteredAt } = visits;
  const leads = start.length - 1;
  const masked = visits.stageIds.length <= MAX_MASKED_CODES;
  const codes = Math.max(1, visits.stageIds.length);
  const slotOf = new Int32Array(codes).fill(-1);
  // Entries ≤ visits: sized for the worst case, trimmed at the end.
  const entryStart = new Uint32Array(leads + 1);
  const code = new Uint16Array(stage.length);
  const completed = new Float64Array(stage.length);
  const later = masked ? new Uint32Array(stage.length) : null;
  let entries = 0;
  await forEachSlice(leads, (fromRow, toRow) => {
    for (let row = fromRow; row < toRow; row++) {
      const first = start[row] as number;
      const end = start[row + 1] as number;
      const rowStart = entries;
      for (let at = first; at < end; at++) {
        const visitCode = stage[at] as number;
        // Codes visited after earlier stages' first visits: each open entry gains this visit's bit.
        if (later !== null) for (let e = rowStart; e < entries; e++) later[e] = (later[e] as number) | (1 << visitCode);
        let slot = slotOf[visitCode] as number;
        if (slot < rowStart || slot >= entries || code[slot] !== visitCode) {
          slot = entries++;
          slotOf[visitCode] = slot;
          code[slot] = visitCode;
          completed[slot] = Number.NaN;
          if (later !== null) later[slot] = 0;
        }
        if (at < end - 1) {
          const duration = (enteredAt[at + 1] as number) - (enteredAt[at] as number);
          const previous = completed[slot] as number;
          completed[slot] = (Number.isNaN(previous) ? 0 : previous) + (duration > 0 ? duration : 0);
        }
      }
      entryStart[row + 1] = entries;
    }
  });
  return {
    start: entryStart,
    code: code.slice(0, entries),
    completed: completed.slice(0, entries),
    later: later === null ? null : later.slice(0, entries),
  };
}

export function leadStageEntriesBytes(entries: LeadStageEntries): number {
  return entries.start.byteLength + entries.code.byteLength + entries.completed.byteLength + (entries.later?.byteLength ?? 0);
}
