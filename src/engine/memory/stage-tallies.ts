import { forEachSlice } from './cooperative-work.js';
import type { LeadStageEntries } from './lead-stage-entries.js';
import { LOST, WON } from './store-columns.js';

/**
 * The counts of SPEC §12 over every lead of a visit store, tallied once per store (a slice at a
 * time, with the rest of the refresh): the unfiltered stage history, the dashboard's first
 * question, then costs a few operations per stage instead of a pass over every lead (31 ms at
 * 1,000,000 leads, 65 ms at 2,000,000, held by the sync's listener that precomputes it).
 * `advanced` depends on the stages' positions, which crm_stages gives at each request: it is kept
 * as, per stage code, the entries of won leads (advanced whatever the positions) and how many
 * entries of the other leads carry each `later` mask, resolved against the positions when asked.
 */
export interface StageTallies {
  /** Per code: leads that entered the stage. */
  readonly entered: Float64Array;
  /** Per code: leads neither won nor lost whose current visit is the stage. */
  readonly current: Float64Array;
  /** codes × codes: moves from visit k to k + 1, by (from code, to code). */
  readonly moves: Float64Array;
  /** Per code: entries of won leads. */
  readonly wonEntered: Float64Array;
  /** Per code: `later` mask → entries of leads not won that carry it. */
  readonly laterMasks: readonly ReadonlyMap<number, number>[];
}

/** The tallies of a visit store whose leads carry `flags`; null when its entries keep no `later` masks (too many codes). */
export async function stageTalliesOf(
  visits: { readonly start: Uint32Array; readonly stage: Uint16Array; readonly stageIds: readonly number[] },
  entries: LeadStageEntries,
  flags: Uint8Array,
): Promise<StageTallies | null> {
  const later = entries.later;
  if (later === null) return null;
  const codes = visits.stageIds.length;
  const { start, stage } = visits;
  const { start: entryStart, code: entryCode } = entries;
  const entered = new Float64Array(codes);
  const current = new Float64Array(codes);
  const moves = new Float64Array(codes * codes);
  const wonEntered = new Float64Array(codes);
  const laterMasks = Array.from({ length: codes }, () => new Map<number, number>());
  await forEachSlice(start.length - 1, (fromRow, toRow) => {
    for (let row = fromRow; row < toRow; row++) {
      const first = start[row] as number;
      const end = start[row + 1] as number;
      if (first === end) continue;
      const rowFlags = flags[row] as number;
      const won = (rowFlags & WON) !== 0;
      for (let e = entryStart[row] as number, last = entryStart[row + 1] as number; e < last; e++) {
        const code = entryCode[e] as number;
        entered[code] = (entered[code] as number) + 1;
        if (won) {
          wonEntered[code] = (wonEntered[code] as number) + 1;
        } else {
          const masks = laterMasks[code] as Map<number, number>;
          const mask = later[e] as number;
          masks.set(mask, (masks.get(mask) ?? 0) + 1);
        }
      }
      const currentCode = tallyMoves(stage, first, end, moves, codes);
      if (!won && (rowFlags & LOST) === 0) current[currentCode] = (current[currentCode] as number) + 1;
    }
  });
  return { entered, current, moves, wonEntered, laterMasks };
}

/**
 * Adds the moves of one lead's visits [first, end) (visit k → k + 1) to `moves` (codes × codes,
 * by from and to code); returns the code of its current (last) visit.
 */
export function tallyMoves(stage: Uint16Array, first: number, end: number, moves: Float64Array, codes: number): number {
  let left = stage[first] as number;
  for (let at = first + 1; at < end; at++) {
    const reached = stage[at] as number;
    moves[left * codes + reached] = (moves[left * codes + reached] as number) + 1;
    left = reached;
  }
  return left;
}

/**
 * Per code, the leads that advanced from the stage: the won ones, and those whose `later` mask
 * meets `greater[code]` (the codes of greater position than the stage's).
 */
export function advancedOfTallies(tallies: StageTallies, greater: Uint32Array): Float64Array {
  const advanced = Float64Array.from(tallies.wonEntered);
  tallies.laterMasks.forEach((masks, code) => {
    const greaterCodes = greater[code] as number;
    for (const [mask, count] of masks) if ((mask & greaterCodes) !== 0) advanced[code] = (advanced[code] as number) + count;
  });
  return advanced;
}

export function stageTalliesBytes(tallies: StageTallies | null): number {
  if (tallies === null) return 0;
  const masks = tallies.laterMasks.reduce((sum, map) => sum + map.size, 0);
  // A Map entry of two small integers: ~40 bytes.
  return tallies.entered.byteLength + tallies.current.byteLength + tallies.moves.byteLength + tallies.wonEntered.byteLength + masks * 40;
}
