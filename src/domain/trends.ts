import { percentageOf } from './analytics-assembly.js';
import { filtersBesidesDates, type LeadFilter } from './analytics-plan.js';
import type { AnalyticsQuery, Parsed } from './analytics-query.js';
import { calendarDateAt, type CalendarDate } from './calendar.js';
import { usdOf } from './money.js';
import type { PayloadMeta } from './analytics-payload.js';
import type { DateRange } from './presets.js';
import { roundHalfAwayFromZero } from './rounding.js';
import { isTrendInterval, TREND_INTERVALS, trendBuckets, type TrendBuckets, type TrendInterval } from './trend-buckets.js';
import type { OutcomeBucket } from './virtual-stage.js';

/**
 * `GET /prospects/client-analytics/trends` (SPEC §11) as pure rules: the request, the plan an
 * engine reads (which leads, which range), the aggregates it hands back per bucket, and the series
 * they become. Every rounding and bucket rule of the main payload is reused (percentageOf, usdOf,
 * outcomeBucketOf), so a series sums to the payload's figures exactly.
 */
export interface TrendQuery extends AnalyticsQuery {
  readonly interval: TrendInterval;
}

/**
 * What an engine reads for a trend:
 * - `others`: every filter of the request but the date range. The created series reads it with
 *   `created_at` in each bucket, the won series with `won_at` in each bucket.
 * - `range`: the request's dates; null: from the earliest `created_at` of `others` to `today`.
 */
export interface TrendPlan {
  readonly others: LeadFilter;
  readonly range: DateRange | null;
  readonly interval: TrendInterval;
  readonly timeZone: string;
  /** Today in the time zone, where a range without dates ends. */
  readonly today: CalendarDate;
}

export function planTrends(query: TrendQuery, timeZone: string, today: CalendarDate): TrendPlan {
  return {
    others: filtersBesidesDates(query),
    range: query.dateRange ?? null,
    interval: query.interval,
    timeZone,
    today,
  };
}

/**
 * The buckets of a plan once the engine knows the earliest `created_at` of `others` (epoch ms;
 * null when no lead passes them). Null: no buckets, an empty series. A range without dates starts
 * on that lead's local date and ends today — or on that date, should the lead lie in the future.
 * Throws TooManyTrendBucketsError past the bucket limit.
 */
export function bucketsOfPlan(plan: TrendPlan, earliestCreatedAt: number | null): TrendBuckets | null {
  if (plan.range !== null) return trendBuckets(plan.range, plan.interval, plan.timeZone);
  if (earliestCreatedAt === null) return null;
  const startDate = calendarDateAt(earliestCreatedAt, plan.timeZone);
  return trendBuckets({ startDate, endDate: startDate > plan.today ? startDate : plan.today }, plan.interval, plan.timeZone);
}

/**
 * Leads of one bucket (by created_at) sharing an outcome bucket and a locale rate. Engines find the
 * outcome as outcome_summary does: outcomeBucketOf(virtualStageOf(lead)).
 */
export interface TrendCreatedGroup {
  readonly bucket: number;
  readonly outcome: OutcomeBucket;
  readonly rate: number;
  readonly leads: number;
  readonly shipments: number;
  /** Σ account_value in cents */
  readonly cents: number;
}

/** Leads of one bucket by won_at. */
export interface TrendWonGroup {
  readonly bucket: number;
  /** How many have is_won = 1. */
  readonly won: number;
  /** Σ and count of closing_days. */
  readonly closingSum: number;
  readonly closingCount: number;
}

export interface TrendAggregates {
  /** Null: no buckets (no date range and no matching lead). */
  readonly buckets: TrendBuckets | null;
  readonly created: readonly TrendCreatedGroup[];
  readonly won: readonly TrendWonGroup[];
}

/** One bucket of the series, fields in the order of SPEC §11. */
export interface TrendPoint {
  readonly start: CalendarDate;
  readonly end: CalendarDate;
  readonly total_leads: number;
  readonly won: number;
  readonly lost: number;
  readonly in_recharge: number;
  readonly remaining: number;
  readonly advancement_rate: number;
  readonly total_shipments: number;
  readonly value_usd: number;
  readonly closed_won: number;
  readonly avg_closing_days: number | null;
}

export interface TrendsBody {
  readonly interval: TrendInterval;
  readonly series: readonly TrendPoint[];
}

export interface TrendsPayload extends TrendsBody {
  readonly meta: PayloadMeta;
}

interface BucketTally {
  outcomes: Record<OutcomeBucket, number>;
  shipments: number;
  money: { rate: number; cents: number }[];
  closedWon: number;
  closingSum: number;
  closingCount: number;
}

export function assembleTrends(interval: TrendInterval, aggregates: TrendAggregates): TrendsBody {
  const buckets = aggregates.buckets;
  if (buckets === null) return { interval, series: [] };
  const tallies: BucketTally[] = buckets.dates.map(() => ({
    outcomes: { won: 0, lost: 0, in_recharge: 0, remaining: 0 },
    shipments: 0,
    money: [],
    closedWon: 0,
    closingSum: 0,
    closingCount: 0,
  }));
  for (const group of aggregates.created) {
    const tally = tallies[group.bucket];
    if (tally === undefined) continue;
    tally.outcomes[group.outcome] += group.leads;
    tally.shipments += group.shipments;
    tally.money.push({ rate: group.rate, cents: group.cents });
  }
  for (const group of aggregates.won) {
    const tally = tallies[group.bucket];
    if (tally === undefined) continue;
    tally.closedWon += group.won;
    tally.closingSum += group.closingSum;
    tally.closingCount += group.closingCount;
  }
  const series = buckets.dates.map(({ start, end }, index): TrendPoint => {
    const tally = tallies[index] as BucketTally;
    const { won, lost, in_recharge, remaining } = tally.outcomes;
    const total = won + lost + in_recharge + remaining;
    return {
      start,
      end,
      total_leads: total,
      won,
      lost,
      in_recharge,
      remaining,
      advancement_rate: percentageOf(won + in_recharge, total),
      total_shipments: tally.shipments,
      value_usd: roundHalfAwayFromZero(usdOf(tally.money), 2),
      closed_won: tally.closedWon,
      avg_closing_days: tally.closingCount > 0 ? roundHalfAwayFromZero(tally.closingSum / tally.closingCount, 1) : null,
    };
  });
  return { interval, series };
}

/** The `interval` parameter (SPEC §11): `day`, `week` or `month`. */
export function parseTrendInterval(text: string): Parsed<TrendInterval> {
  return isTrendInterval(text) ? { ok: true, value: text } : { ok: false, reason: `must be one of ${TREND_INTERVALS.join(', ')}` };
}
