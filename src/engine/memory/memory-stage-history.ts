import type { LeadFilter } from '../../domain/analytics-plan.js';
import {
  MEDIAN,
  P90,
  nearestRankIndex,
  nearestRankPercentiles,
  positionsById,
  type PipelineStage,
  type StageFigures,
  type StageHistoryAggregates,
  type StageTransitionCount,
} from '../../domain/stage-history.js';
import { rowsSelectedBy } from './lead-store-aggregates.js';
import { advancedOfTallies, tallyMoves } from './stage-tallies.js';
import type { LeadStore } from './lead-store.js';
import type { StageVisitStore } from './stage-visit-store.js';
import { LOST, WON } from './store-columns.js';

/**
 * Scratch arrays reused by every computation (they run one at a time, synchronously): at
 * 1,000,000 leads a request's values are millions of numbers, not worth allocating each time.
 */
let scratchValues = new Float64Array(0);
let scratchCodes = new Uint16Array(0);
let scratchSorted = new Float64Array(0);

function ensureScratch(size: number): void {
  if (scratchValues.length >= size) return;
  const capacity = Math.max(size, Math.ceil(scratchValues.length * 1.5));
  scratchValues = new Float64Array(capacity);
  scratchCodes = new Uint16Array(capacity);
  scratchSorted = new Float64Array(capacity);
}

/**
 * SPEC §12's figures from a LeadStore and its StageVisitStore, in one pass over the matching
 * leads. Per lead: its (lead, stage) entries (lead-stage-entries.ts: entered; advanced when the
 * lead is won or its `later` bits meet the codes of greater position; its completed time), its
 * moves (visit k → k + 1) and its current visit's age when it is open. Over the whole store the
 * percentiles are direct indexes into each stage's values sorted once per store
 * (stage-value-orders.ts); under a filter they are found by selection (quickselect) in the
 * matching leads' values, never by sorting them.
 */
export function stageHistoryOfStore(
  store: LeadStore,
  visits: StageVisitStore,
  filter: LeadFilter,
  stages: readonly PipelineStage[],
  now: number,
): StageHistoryAggregates {
  const positions = positionsById(stages);
  // NaN for a stage id no crm_stages row has: never "greater" than anything.
  const position = Float64Array.from(visits.stageIds, (id) => positions.get(id) ?? Number.NaN);
  let answers = ANSWERS.get(visits);
  if (answers === undefined) {
    answers = new Map();
    ANSWERS.set(visits, answers);
  }
  const key = `${JSON.stringify(filter)}|${position.join(',')}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = timelessStageHistory(store, visits, filter, position);
    if (answers.size >= ANSWERS_KEPT) answers.delete(answers.keys().next().value ?? key);
    answers.set(key, answer);
  }
  return {
    // The median age of the current visits is now − the matching order statistic of entered_at.
    stages: answer.stages.map(({ currentMedianEnteredAt, ...figures }): StageFigures => ({
      ...figures,
      currentMedianMs: currentMedianEnteredAt === null ? null : Math.max(0, now - currentMedianEnteredAt),
    })),
    transitions: answer.transitions,
  };
}

/**
 * A stage's figures before `now` is applied: instead of the median age of the current visits, the
 * `entered_at` whose age is that median. Ages fall as `entered_at` rises (and the clamp at 0 keeps
 * the order), so the nearest-rank median age is now − the nearest-rank median of −entered_at
 * negated, clamped at 0: the answer for a store and filter holds at every instant.
 */
export interface TimelessStageFigures extends Omit<StageFigures, 'currentMedianMs'> {
  readonly currentMedianEnteredAt: number | null;
}

export interface TimelessAnswer {
  readonly stages: readonly TimelessStageFigures[];
  readonly transitions: readonly StageTransitionCount[];
}

/**
 * Answers kept per visit store (they hold for as long as the store serves, whatever the instant):
 * the dashboard asks the same filters again and again, the unfiltered one most. Keyed by the
 * filter and the stages' positions; a new store (a sync) starts afresh.
 */
const ANSWERS = new WeakMap<StageVisitStore, Map<string, TimelessAnswer>>();
const ANSWERS_KEPT = 64;

/**
 * The computation alone, never kept: what a filter costs the first time it is asked (benchmarks).
 * `bySelection`: gather and select the values even over the whole store, as every filter did before
 * the sorted orders (the benchmark's side-by-side figure; tests check both ways agree).
 */
export function computeStageHistoryOfStore(
  store: LeadStore,
  visits: StageVisitStore,
  filter: LeadFilter,
  stages: readonly PipelineStage[],
  bySelection = false,
): TimelessAnswer {
  const positions = positionsById(stages);
  const position = Float64Array.from(visits.stageIds, (id) => positions.get(id) ?? Number.NaN);
  return timelessStageHistory(store, visits, filter, position, bySelection);
}

function timelessStageHistory(store: LeadStore, visits: StageVisitStore, filter: LeadFilter, position: Float64Array, bySelection = false): TimelessAnswer {
  const codes = visits.stageIds.length;
  const entered = new Float64Array(codes);
  const advanced = new Float64Array(codes);
  const current = new Float64Array(codes);
  const moves = new Float64Array(codes * codes);
  const completedCount = new Float64Array(codes);

  const { rows, from, to } = rowsSelectedBy(store, filter);
  // Every lead of the store: the percentiles are read from the store's sorted values (direct
  // indexes, stage-value-orders.ts), so no value is gathered and none selected.
  const whole = !bySelection && rows === null && from === 0 && to === store.size;
  // Upper bound of the values: one per (lead, stage) of the store at most, and one age per lead
  // (a bound of the store, not of the request: no pass over the rows to count them).
  ensureScratch(visits.entries.code.length + (to - from));
  const values = scratchValues;
  const valueCodes = scratchCodes;
  let valueCount = 0;
  // Ages of current visits fill the scratch from the end, completed times from the start.
  let ageStart = values.length;

  const { start, stage, enteredAt } = visits;
  const flags = store.flags;
  const entries = visits.entries;
  const later = entries.later;
  const tallies = visits.tallies;
  if (whole && tallies !== null) {
    // Every lead: the counts were tallied with the store (stage-tallies.ts); only `advanced`
    // depends on the positions.
    entered.set(tallies.entered);
    current.set(tallies.current);
    moves.set(tallies.moves);
    advanced.set(advancedOfTallies(tallies, greaterCodes(position)));
  } else if (later !== null) {
    const greater = greaterCodes(position);
    const { start: entryStart, code: entryCode, completed: entryCompleted } = entries;
    for (let index = from; index < to; index++) {
      const row = rows ? (rows[index] as number) : index;
      const first = start[row] as number;
      const end = start[row + 1] as number;
      if (first === end) continue;
      const rowFlags = flags[row] as number;
      const won = (rowFlags & WON) !== 0;
      for (let e = entryStart[row] as number, last = entryStart[row + 1] as number; e < last; e++) {
        const code = entryCode[e] as number;
        entered[code] = (entered[code] as number) + 1;
        if (won || ((later[e] as number) & (greater[code] as number)) !== 0) advanced[code] = (advanced[code] as number) + 1;
        if (whole) continue;
        const total = entryCompleted[e] as number;
        if (total === total) {
          values[valueCount] = total;
          valueCodes[valueCount++] = code;
          completedCount[code] = (completedCount[code] as number) + 1;
        }
      }
      const left = tallyMoves(stage, first, end, moves, codes);
      if (!won && (rowFlags & LOST) === 0) {
        current[left] = (current[left] as number) + 1;
        if (whole) continue;
        // −entered_at, not the age: ordered like the ages, and independent of `now` (see below).
        values[--ageStart] = -(enteredAt[end - 1] as number);
        valueCodes[ageStart] = left;
      }
    }
  } else {
    const counts = walkVisits(visits, flags, position, rows, from, to, { entered, advanced, current, moves, completedCount }, ageStart);
    valueCount = counts.valueCount;
    ageStart = counts.ageStart;
  }

  const figures: TimelessStageFigures[] = [];
  const completedPercentiles = whole
    ? sortedPercentilesByCode(visits.orders.completed, visits.orders.completedStart, [MEDIAN, P90])
    : percentilesByCode(values, valueCodes, 0, valueCount, completedCount, [MEDIAN, P90]);
  const agePercentiles = whole
    ? sortedPercentilesByCode(visits.orders.negatedEnteredAt, visits.orders.currentStart, [MEDIAN])
    : percentilesByCode(values, valueCodes, ageStart, values.length, current, [MEDIAN]);
  for (let code = 0; code < codes; code++) {
    if (entered[code] === 0 && current[code] === 0) continue;
    const [medianMs = null, p90Ms = null] = completedPercentiles[code] ?? [];
    const [negatedEnteredAt = null] = agePercentiles[code] ?? [];
    figures.push({
      stageId: visits.stageIds[code] as number,
      entered: entered[code] as number,
      current: current[code] as number,
      advanced: advanced[code] as number,
      medianMs,
      p90Ms,
      currentMedianEnteredAt: negatedEnteredAt === null ? null : -negatedEnteredAt,
    });
  }
  const transitions: StageTransitionCount[] = [];
  for (let a = 0; a < codes; a++) {
    for (let b = 0; b < codes; b++) {
      const count = moves[a * codes + b] as number;
      if (count > 0) transitions.push({ fromStageId: visits.stageIds[a] as number, toStageId: visits.stageIds[b] as number, count });
    }
  }
  return { stages: figures, transitions };
}

/** Bits of the codes of greater position than each code's (NaN positions are never greater). */
function greaterCodes(position: Float64Array): Uint32Array {
  const codes = position.length;
  const greater = new Uint32Array(codes);
  for (let code = 0; code < codes; code++) {
    let mask = 0;
    for (let other = 0; other < codes; other++) if ((position[other] as number) > (position[code] as number)) mask |= 1 << other;
    greater[code] = mask;
  }
  return greater;
}

/** The nearest-rank percentiles `ps` per stage code of values sorted within each code's run [starts[c], starts[c + 1]). */
function sortedPercentilesByCode(sorted: Float64Array, starts: Uint32Array, ps: readonly number[]): (number | null)[][] {
  const result: (number | null)[][] = [];
  for (let code = 0; code + 1 < starts.length; code++) {
    const runStart = starts[code] as number;
    const n = (starts[code + 1] as number) - runStart;
    result.push(ps.map((p) => (n === 0 ? null : (sorted[runStart + nearestRankIndex(p, n)] as number))));
  }
  return result;
}

/**
 * The percentiles `ps` of the values [from, to) per stage code: the values grouped by code into
 * contiguous runs (a counting sort by code, not by value), then selection within each run.
 */
function percentilesByCode(
  values: Float64Array,
  codes: Uint16Array,
  from: number,
  to: number,
  countByCode: Float64Array,
  ps: readonly number[],
): (number | null)[][] {
  const offsets = new Uint32Array(countByCode.length + 1);
  for (let code = 0; code < countByCode.length; code++) offsets[code + 1] = (offsets[code] as number) + (countByCode[code] as number);
  const fill = offsets.slice(0, countByCode.length);
  const grouped = scratchSorted;
  for (let index = from; index < to; index++) {
    const code = codes[index] as number;
    grouped[fill[code] as number] = values[index] as number;
    fill[code] = (fill[code] as number) + 1;
  }
  const result: (number | null)[][] = [];
  for (let code = 0; code < countByCode.length; code++) {
    const runStart = offsets[code] as number;
    const run = grouped.subarray(runStart, offsets[code + 1]);
    result.push(nearestRankPercentiles(run, run.length, ps));
  }
  return result;
}

interface StageCounts {
  readonly entered: Float64Array;
  readonly advanced: Float64Array;
  readonly current: Float64Array;
  readonly moves: Float64Array;
  readonly completedCount: Float64Array;
}

/**
 * The same figures walked from the visits themselves, for a store with more stage codes than the
 * entries' bit masks hold: each stage's first visit (advanced when the lead is won or a later
 * visit's stage has a greater position, from a running maximum taken backwards), completed times
 * per stage, moves, and the current visit. Writes the values into the scratch as the fast path does.
 */
function walkVisits(
  visits: StageVisitStore,
  flags: Uint8Array,
  position: Float64Array,
  rows: Uint32Array | null,
  from: number,
  to: number,
  counts: StageCounts,
  ageEnd: number,
): { valueCount: number; ageStart: number } {
  const { entered, advanced, current, moves, completedCount } = counts;
  const codes = visits.stageIds.length;
  const completed = new Float64Array(codes);
  const seenStamp = new Int32Array(codes).fill(-1);
  const hasCompleted = new Uint8Array(codes);
  const touched = new Uint16Array(codes);
  const { start, stage, enteredAt } = visits;
  const values = scratchValues;
  const valueCodes = scratchCodes;
  let valueCount = 0;
  let ageStart = ageEnd;
  let suffixMax = new Float64Array(16);
  for (let index = from; index < to; index++) {
    const row = rows ? (rows[index] as number) : index;
    const first = start[row] as number;
    const end = start[row + 1] as number;
    const count = end - first;
    if (count === 0) continue;
    const rowFlags = flags[row] as number;
    const won = (rowFlags & WON) !== 0;
    if (suffixMax.length < count) suffixMax = new Float64Array(count * 2);
    let greatest = Number.NEGATIVE_INFINITY;
    for (let k = count - 1; k >= 0; k--) {
      suffixMax[k] = greatest;
      const p = position[stage[first + k] as number] as number;
      if (p > greatest) greatest = p;
    }
    let touchedCount = 0;
    for (let k = 0; k < count; k++) {
      const code = stage[first + k] as number;
      if (seenStamp[code] !== index) {
        seenStamp[code] = index;
        entered[code] = (entered[code] as number) + 1;
        if (won || (suffixMax[k] as number) > (position[code] as number)) advanced[code] = (advanced[code] as number) + 1;
        completed[code] = 0;
        hasCompleted[code] = 0;
        touched[touchedCount++] = code;
      }
      if (k < count - 1) {
        const duration = (enteredAt[first + k + 1] as number) - (enteredAt[first + k] as number);
        completed[code] = (completed[code] as number) + (duration > 0 ? duration : 0);
        hasCompleted[code] = 1;
        const next = stage[first + k + 1] as number;
        moves[code * codes + next] = (moves[code * codes + next] as number) + 1;
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const code = touched[t] as number;
      if (hasCompleted[code] === 0) continue;
      values[valueCount] = completed[code] as number;
      valueCodes[valueCount++] = code;
      completedCount[code] = (completedCount[code] as number) + 1;
    }
    if (!won && (rowFlags & LOST) === 0) {
      const code = stage[end - 1] as number;
      current[code] = (current[code] as number) + 1;
      values[--ageStart] = -(enteredAt[end - 1] as number);
      valueCodes[ageStart] = code;
    }
  }
  return { valueCount, ageStart };
}
