import type { LeadFilter } from '../../domain/analytics-plan.js';
import type { TrendBuckets } from '../../domain/trend-buckets.js';
import { bucketsOfPlan, type TrendAggregates, type TrendCreatedGroup, type TrendPlan, type TrendWonGroup } from '../../domain/trends.js';
import { outcomeBucketOf, type OutcomeBucket } from '../../domain/virtual-stage.js';
import type { TrendEngine } from '../trend-engine.js';
import { compileFilter, hasConditions, matchingRows } from './lead-store-aggregates.js';
import { lowerBound, type LeadStore } from './lead-store.js';
import type { MemoryAnalyticsEngine } from './memory-analytics-engine.js';
import { WON } from './store-columns.js';

const OUTCOMES: readonly OutcomeBucket[] = ['won', 'lost', 'in_recharge', 'remaining'];

/**
 * Trends (SPEC §11) from the memory engine's LeadStore, served under its rule (the store of the
 * latest sync, else `fallback`, the SQL trends). Each series is one pass over its matching rows:
 * rows are stored in created_at order and wonOrder lists them in won_at order, so the bucket of
 * each next row is found by moving a cursor forward over the bounds, never by a search per row.
 */
export function createMemoryTrendEngine(memory: Pick<MemoryAnalyticsEngine, 'answer'>, fallback: TrendEngine): TrendEngine {
  return {
    trends(plan, latest) {
      return memory.answer(
        latest,
        (store) => ({ aggregates: trendAggregatesOf(store, plan), generation: store.generation }),
        () => fallback.trends(plan, latest),
      );
    },
  };
}

/** The rows of [from, to) (through `order`) passing the filter's conditions; null when it has none (every row). */
function filteredRows(store: LeadStore, filter: LeadFilter, from: number, to: number, order?: Uint32Array): Uint32Array | null {
  const compiled = compileFilter(store, filter);
  return hasConditions(compiled) ? matchingRows(store, compiled, from, to, order) : null;
}

export function trendAggregatesOf(store: LeadStore, plan: TrendPlan): TrendAggregates {
  const buckets = bucketsOfPlan(plan, plan.range === null ? earliestCreatedAt(store, plan.others) : null);
  if (buckets === null) return { buckets, created: [], won: [] };
  return { buckets, created: createdGroups(store, plan.others, buckets), won: wonGroups(store, plan.others, buckets) };
}

/**
 * The created_at of the first row passing the filter (rows are in created_at order), or null. The
 * rows are searched in windows growing fourfold from the start: the first match is usually near
 * it, and the series' own pass then reads the rows once more instead of twice.
 */
function earliestCreatedAt(store: LeadStore, filter: LeadFilter): number | null {
  const compiled = compileFilter(store, { ...filter, createdAt: null });
  if (!hasConditions(compiled)) return store.size > 0 ? (store.created_at[0] as number) : null;
  for (let from = 0, size = 4096; from < store.size; from += size, size *= 4) {
    const rows = matchingRows(store, compiled, from, Math.min(store.size, from + size));
    if (rows.length > 0) return store.created_at[rows[0] as number] as number;
  }
  return null;
}

function rowRange(sorted: Float64Array, buckets: TrendBuckets, order?: Uint32Array): { from: number; to: number } {
  const from = lowerBound(sorted, buckets.bounds[0] as number, order);
  return { from, to: Math.max(from, lowerBound(sorted, buckets.bounds[buckets.bounds.length - 1] as number, order)) };
}

/**
 * Leads, shipments and cents per (bucket, outcome, locale): a stage group (flags, stage, locale)
 * decides the outcome and the rate, so a table from stage group to (outcome, locale) slot is built
 * once per request and the pass reads one code per row.
 */
function createdGroups(store: LeadStore, others: LeadFilter, buckets: TrendBuckets): TrendCreatedGroup[] {
  const d = store.dictionaries;
  const locales = Math.max(1, d.locale.size);
  const outcomeCode = new Map(OUTCOMES.map((outcome, code) => [outcome, code]));
  const virtualStageOutcome = Array.from({ length: d.virtualStage.size }, (_, code) => outcomeCode.get(outcomeBucketOf(d.virtualStage.valueOf(code))) ?? 3);
  const groupSlot = new Uint32Array(d.stageGroup.size);
  for (let code = 0; code < groupSlot.length; code++) {
    const { flags, stage, locale } = d.stageGroup.valueOf(code);
    groupSlot[code] = (virtualStageOutcome[d.virtualStageCode(stage, flags)] as number) * locales + locale;
  }
  const slotsPerBucket = OUTCOMES.length * locales;
  const slots = buckets.dates.length * slotsPerBucket;
  // Per slot, interleaved: [3 × slot] leads, [+1] shipments, [+2] cents.
  const totals = new Float64Array(slots * 3);

  // Rows are in created_at order: bucket b is the rows [rowBounds[b], rowBounds[b + 1]), found by
  // binary search once, so the pass compares row numbers and never reads created_at.
  const bucketCount = buckets.dates.length;
  const rowBounds = new Uint32Array(bucketCount + 1);
  buckets.bounds.forEach((bound, index) => {
    rowBounds[index] = lowerBound(store.created_at, bound);
  });
  const from = rowBounds[0] as number;
  const to = Math.max(from, rowBounds[bucketCount] as number);
  const rows = filteredRows(store, { ...others, createdAt: null }, from, to);
  const { stageGroup, monthly_shipments: monthlyShipments, account_value_cents: accountCents } = store;
  let index = 0;
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const base = bucket * slotsPerBucket;
    const end = rowBounds[bucket + 1] as number;
    if (rows === null) {
      for (let row = rowBounds[bucket] as number; row < end; row++) addRow(row, base);
    } else {
      for (; index < rows.length && (rows[index] as number) < end; index++) addRow(rows[index] as number, base);
    }
  }
  function addRow(row: number, base: number): void {
    const slot = (base + (groupSlot[stageGroup[row] as number] as number)) * 3;
    totals[slot] = (totals[slot] as number) + 1;
    totals[slot + 1] = (totals[slot + 1] as number) + (monthlyShipments[row] as number);
    totals[slot + 2] = (totals[slot + 2] as number) + (accountCents[row] as number);
  }

  const groups: TrendCreatedGroup[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const count = totals[slot * 3] as number;
    if (count === 0) continue;
    const within = slot % slotsPerBucket;
    groups.push({
      bucket: Math.floor(slot / slotsPerBucket),
      outcome: OUTCOMES[Math.floor(within / locales)] as OutcomeBucket,
      rate: d.locale.valueOf(within % locales).locale_rate,
      leads: count,
      shipments: totals[slot * 3 + 1] as number,
      cents: totals[slot * 3 + 2] as number,
    });
  }
  return groups;
}

/** Won leads and closing days per bucket of won_at: a pass over the won_at-ordered slice. */
function wonGroups(store: LeadStore, others: LeadFilter, buckets: TrendBuckets): TrendWonGroup[] {
  const order = store.wonOrder;
  const { from, to } = rowRange(store.won_at, buckets, order);
  const rows = filteredRows(store, { ...others, createdAt: null }, from, to, order) ?? order.subarray(from, to);
  const count = buckets.dates.length;
  const won = new Float64Array(count);
  const closingSum = new Float64Array(count);
  const closingCount = new Float64Array(count);
  const { won_at: wonAt, flags, closing_days: closingDays } = store;
  const bounds = buckets.bounds;
  let bucket = 0;
  let bucketEnd = bounds[1] as number;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as number;
    const at = wonAt[row] as number;
    while (at >= bucketEnd) {
      bucket += 1;
      bucketEnd = bounds[bucket + 1] as number;
    }
    if (((flags[row] as number) & WON) !== 0) won[bucket] = (won[bucket] as number) + 1;
    const days = closingDays[row] as number;
    if (!Number.isNaN(days)) {
      closingSum[bucket] = (closingSum[bucket] as number) + days;
      closingCount[bucket] = (closingCount[bucket] as number) + 1;
    }
  }
  const groups: TrendWonGroup[] = [];
  for (let index = 0; index < count; index++) {
    if (won[index] === 0 && closingCount[index] === 0) continue;
    groups.push({ bucket: index, won: won[index] as number, closingSum: closingSum[index] as number, closingCount: closingCount[index] as number });
  }
  return groups;
}
