import { compareText } from './analytics-assembly.js';
import type { PayloadMeta } from './analytics-payload.js';
import { roundHalfAwayFromZero } from './rounding.js';

/**
 * Stage history (SPEC §12): where deals stall. Engines read `crm_analytics_stage_visits` of the
 * leads a filter selects and produce StageHistoryAggregates (counts, and the percentile values
 * already selected, in milliseconds); this module holds every rule that turns them into the
 * response: nearest-rank percentiles, days and their rounding, the advance rate, names, order.
 * Both engines share it, so they give identical bodies.
 */

/** A `crm_stages` row: what the response lists, in pipeline order. */
export interface PipelineStage {
  readonly stage_id: number;
  readonly stage_name: string;
  readonly stage_color: string;
  readonly position: number;
}

/** What an engine counts for one stage id over the matching leads (SPEC §12's `stages` fields). */
export interface StageFigures {
  readonly stageId: number;
  /** Leads with at least one visit to the stage. */
  readonly entered: number;
  /** Leads whose current visit is the stage, neither won nor lost. */
  readonly current: number;
  /** Leads that entered it and later visited a stage of greater position, or are won. */
  readonly advanced: number;
  /** Nearest-rank median and p90 of each lead's total completed time in the stage (ms); null when none. */
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
  /** Nearest-rank median age of the current leads' current visits (ms); null when none. */
  readonly currentMedianMs: number | null;
}

export interface StageTransitionCount {
  readonly fromStageId: number;
  readonly toStageId: number;
  readonly count: number;
}

export interface StageHistoryAggregates {
  /** Stages with figures; a stage left out has none (every count 0). */
  readonly stages: readonly StageFigures[];
  readonly transitions: readonly StageTransitionCount[];
}

export interface StageHistoryStage {
  readonly stage_id: number;
  readonly stage_name: string;
  readonly stage_color: string;
  readonly position: number;
  readonly entered: number;
  readonly current: number;
  readonly advanced: number;
  readonly advance_rate: number | null;
  readonly median_days: number | null;
  readonly p90_days: number | null;
  readonly current_median_days: number | null;
}

export interface StageTransition {
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

/** The body of `GET /prospects/client-analytics/stages` without `meta`. */
export interface StageHistoryBody {
  readonly stages: readonly StageHistoryStage[];
  readonly transitions: readonly StageTransition[];
}

/** The whole response, as the dashboard reads it. */
export interface StageHistoryPayload extends StageHistoryBody {
  readonly meta: PayloadMeta;
}

/**
 * The stage whose leads stay longest (greatest `median_days`; ties: the first in pipeline order),
 * which the dashboard highlights; null when no stage has a completed visit.
 */
export function slowestStage(stages: readonly StageHistoryStage[]): StageHistoryStage | null {
  let slowest: StageHistoryStage | null = null;
  for (const stage of stages) {
    if (stage.median_days !== null && (slowest === null || stage.median_days > (slowest.median_days ?? 0))) slowest = stage;
  }
  return slowest;
}

export const MEDIAN = 50;
export const P90 = 90;
const DAY_MS = 86_400_000;

/**
 * The 0-based index of the nearest-rank p-th percentile of n sorted values: v⌈p·n/100⌉ (1-based).
 * p·n is an integer, so the division is exact whenever the quotient is whole.
 */
export function nearestRankIndex(p: number, n: number): number {
  return Math.max(1, Math.ceil((p * n) / 100)) - 1;
}

/**
 * The nearest-rank p-th percentile of values[0, n) by selection (Hoare's quickselect, O(n) on
 * average): no sort of every request's values. Reorders values[0, n). Null when n = 0.
 */
export function nearestRankPercentile(values: Float64Array, n: number, p: number): number | null {
  if (n === 0) return null;
  return selectKth(values, 0, n - 1, nearestRankIndex(p, n));
}

/**
 * Several percentiles of the same values, `ps` ascending, each by selection: after the k-th
 * smallest is selected, every value after index k is ≥ it, so the next (greater) rank is selected
 * among those alone. Reorders values[0, n).
 */
export function nearestRankPercentiles(values: Float64Array, n: number, ps: readonly number[]): (number | null)[] {
  if (n === 0) return ps.map(() => null);
  let left = 0;
  return ps.map((p) => {
    const k = nearestRankIndex(p, n);
    if (k < left) return nearestRankPercentile(values, n, p);
    const value = selectKth(values, left, n - 1, k);
    left = k;
    return value;
  });
}

/** The k-th smallest of values[left, right] (0-based k within the whole array). */
function selectKth(values: Float64Array, left: number, right: number, k: number): number {
  let low = left;
  let high = right;
  while (high > low) {
    // Median of three as the pivot: sorted or reversed input stays linear.
    const middle = (low + high) >>> 1;
    const a = values[low] as number;
    const b = values[middle] as number;
    const c = values[high] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = low;
    let j = high;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return values[k] as number;
  }
  return values[k] as number;
}

/** Milliseconds as days (seconds / 86,400), round(…, 1); null stays null. */
export function daysOf(ms: number | null): number | null {
  return ms === null ? null : roundHalfAwayFromZero(ms / DAY_MS, 1);
}

/** Pipeline order: position asc, then id asc. */
export function byPipelineOrder(a: PipelineStage, b: PipelineStage): number {
  return a.position - b.position || a.stage_id - b.stage_id;
}

/**
 * The response of SPEC §12 from an engine's aggregates and the `crm_stages` rows: one entry per
 * stage in pipeline order (a stage without figures has zero counts and null measures);
 * transitions named, between stages that exist, sorted by count desc, then from, then to.
 */
export function assembleStageHistory(stages: readonly PipelineStage[], aggregates: StageHistoryAggregates): StageHistoryBody {
  const figures = new Map(aggregates.stages.map((entry) => [entry.stageId, entry]));
  const names = new Map(stages.map((stage) => [stage.stage_id, stage.stage_name]));
  const rows = [...stages].sort(byPipelineOrder).map((stage): StageHistoryStage => {
    const entry = figures.get(stage.stage_id);
    const entered = entry?.entered ?? 0;
    const advanced = entry?.advanced ?? 0;
    return {
      stage_id: stage.stage_id,
      stage_name: stage.stage_name,
      stage_color: stage.stage_color,
      position: stage.position,
      entered,
      current: entry?.current ?? 0,
      advanced,
      advance_rate: entered === 0 ? null : roundHalfAwayFromZero((advanced / entered) * 100, 1),
      median_days: daysOf(entry?.medianMs ?? null),
      p90_days: daysOf(entry?.p90Ms ?? null),
      current_median_days: daysOf(entry?.currentMedianMs ?? null),
    };
  });
  const transitions: StageTransition[] = [];
  for (const { fromStageId, toStageId, count } of aggregates.transitions) {
    const from = names.get(fromStageId);
    const to = names.get(toStageId);
    if (from !== undefined && to !== undefined && count > 0) transitions.push({ from, to, count });
  }
  transitions.sort((a, b) => b.count - a.count || compareText(a.from, b.from) || compareText(a.to, b.to));
  return { stages: rows, transitions };
}

/** The `position` of each stage id, for the engines' "advanced" rule; unknown ids have none. */
export function positionsById(stages: readonly PipelineStage[]): ReadonlyMap<number, number> {
  return new Map(stages.map((stage) => [stage.stage_id, stage.position]));
}
