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
 * rows are stored in created_at order and wonOrder lists the won ones in won_at order, so each
 * bucket is a slice of positions, found by one binary search per bound. The pass then never reads
 * a row's instant, and a filter selects its rows a bucket's slice at a time (small arrays, no
 * million-slot list to collect).
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

/** Where each bucket's slice starts in `sorted` (through `order`), and where the last one ends. */
function slicesOf(sorted: Float64Array, buckets: TrendBuckets, order?: Uint32Array): Uint32Array {
  const positions = new Uint32Array(buckets.bounds.length);
  buckets.bounds.forEach((bound, index) => {
    positions[index] = lowerBound(sorted, bound, order);
  });
  return positions;
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

  const positions = slicesOf(store.created_at, buckets);
  const compiled = compileFilter(store, { ...others, createdAt: null });
  const filtered = hasConditions(compiled);
  const { stageGroup, monthly_shipments: monthlyShipments, account_value_cents: accountCents } = store;
  for (let bucket = 0; bucket < buckets.dates.length; bucket++) {
    const base = bucket * slotsPerBucket;
    const from = positions[bucket] as number;
    const to = positions[bucket + 1] as number;
    const rows = filtered ? matchingRows(store, compiled, from, to) : null;
    const end = rows ? rows.length : to;
    for (let index = rows ? 0 : from; index < end; index++) {
      const row = rows ? (rows[index] as number) : index;
      const slot = (base + (groupSlot[stageGroup[row] as number] as number)) * 3;
      totals[slot] = (totals[slot] as number) + 1;
      totals[slot + 1] = (totals[slot + 1] as number) + (monthlyShipments[row] as number);
      totals[slot + 2] = (totals[slot + 2] as number) + (accountCents[row] as number);
    }
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
  const positions = slicesOf(store.won_at, buckets, order);
  const compiled = compileFilter(store, { ...others, createdAt: null });
  const filtered = hasConditions(compiled);
  const count = buckets.dates.length;
  const won = new Float64Array(count);
  const closingSum = new Float64Array(count);
  const closingCount = new Float64Array(count);
  const { flags, closing_days: closingDays } = store;
  for (let bucket = 0; bucket < count; bucket++) {
    const from = positions[bucket] as number;
    const to = positions[bucket + 1] as number;
    const rows = filtered ? matchingRows(store, compiled, from, to, order) : order.subarray(from, to);
    let wonLeads = 0;
    let sum = 0;
    let days = 0;
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index] as number;
      if (((flags[row] as number) & WON) !== 0) wonLeads += 1;
      const closing = closingDays[row] as number;
      if (!Number.isNaN(closing)) {
        sum += closing;
        days += 1;
      }
    }
    won[bucket] = wonLeads;
    closingSum[bucket] = sum;
    closingCount[bucket] = days;
  }
  const groups: TrendWonGroup[] = [];
  for (let index = 0; index < count; index++) {
    if (won[index] === 0 && closingCount[index] === 0) continue;
    groups.push({ bucket: index, won: won[index] as number, closingSum: closingSum[index] as number, closingCount: closingCount[index] as number });
  }
  return groups;
}
