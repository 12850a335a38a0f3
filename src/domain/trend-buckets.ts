import { addDays, addMonthsClamped, daysBetween, firstDayOfMonth, startOfDayInZone, type CalendarDate } from './calendar.js';
import type { DateRange } from './presets.js';

/**
 * The buckets of a trend (SPEC §11): calendar periods of CRM_TIMEZONE — a day, an ISO week
 * (Monday–Sunday) or a calendar month — covering a date range without gaps, clipped to it, and the
 * instants that bound them. The one definition: the engines bucket leads with it, the dashboard
 * labels its chart with it. Time zones and DST come from the platform's zone data (Intl, through
 * ./calendar.ts), never from fixed offsets.
 */
export const TREND_INTERVALS = ['day', 'week', 'month'] as const;
export type TrendInterval = (typeof TREND_INTERVALS)[number];
export const DEFAULT_TREND_INTERVAL: TrendInterval = 'month';
/** A range of more buckets than this is refused (a 422 naming `interval`). */
export const MAX_TREND_BUCKETS = 1000;

export function isTrendInterval(value: string): value is TrendInterval {
  return (TREND_INTERVALS as readonly string[]).includes(value);
}

/** A bucket's dates, both included (`YYYY-MM-DD`). */
export interface BucketDates {
  readonly start: CalendarDate;
  readonly end: CalendarDate;
}

/**
 * The buckets of a range and their bounds: bucket i holds the instants [bounds[i], bounds[i + 1]),
 * so `bounds` has one more entry than `dates`, bounds[0] is the range's first instant and the last
 * bound the first instant after it — the same instants as the range's `created_at` filter (SPEC §4).
 */
export interface TrendBuckets {
  readonly interval: TrendInterval;
  readonly timeZone: string;
  readonly dates: readonly BucketDates[];
  /** Epoch ms, strictly ascending. */
  readonly bounds: readonly number[];
}

const EPOCH: CalendarDate = '1970-01-01';

/** 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(date: CalendarDate): number {
  return (((daysBetween(EPOCH, date) + 3) % 7) + 7) % 7;
}

/** The first day of the bucket (unclipped) that holds `date`. */
export function bucketStartOf(date: CalendarDate, interval: TrendInterval): CalendarDate {
  switch (interval) {
    case 'day':
      return date;
    case 'week':
      return addDays(date, -isoWeekday(date));
    case 'month':
      return firstDayOfMonth(date);
  }
}

/** The first day of the bucket after the one starting on `bucketStart`. */
function nextBucketStart(bucketStart: CalendarDate, interval: TrendInterval): CalendarDate {
  switch (interval) {
    case 'day':
      return addDays(bucketStart, 1);
    case 'week':
      return addDays(bucketStart, 7);
    case 'month':
      return addMonthsClamped(bucketStart, 1);
  }
}

/** How many buckets cover the range, counted without listing them (a range may span millennia). */
export function trendBucketCount(range: DateRange, interval: TrendInterval): number {
  const { startDate, endDate } = range;
  if (startDate > endDate) return 0;
  switch (interval) {
    case 'day':
      return daysBetween(startDate, endDate) + 1;
    case 'week':
      return daysBetween(bucketStartOf(startDate, 'week'), bucketStartOf(endDate, 'week')) / 7 + 1;
    case 'month': {
      const monthIndex = (date: CalendarDate) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
      return monthIndex(endDate) - monthIndex(startDate) + 1;
    }
  }
}

/** The buckets' dates: ascending, without gaps, the first and last clipped to the range. */
export function trendBucketDates(range: DateRange, interval: TrendInterval): BucketDates[] {
  const dates: BucketDates[] = [];
  let start = range.startDate;
  while (start <= range.endDate) {
    const next = nextBucketStart(bucketStartOf(start, interval), interval);
    const end = addDays(next, -1);
    dates.push({ start, end: end < range.endDate ? end : range.endDate });
    start = next;
  }
  return dates;
}

// Local midnights are worked out with Intl (about 20 µs each); a trend over all time by week asks
// for hundreds, and every request asks for the same ones again. Kept per zone and date, forgotten
// all at once when too many have piled up.
const MIDNIGHTS_KEPT = 50_000;
const midnights = new Map<string, number>();

function midnightOf(date: CalendarDate, timeZone: string): number {
  const key = `${timeZone}|${date}`;
  let instant = midnights.get(key);
  if (instant === undefined) {
    if (midnights.size >= MIDNIGHTS_KEPT) midnights.clear();
    instant = startOfDayInZone(date, timeZone);
    midnights.set(key, instant);
  }
  return instant;
}

export class TooManyTrendBucketsError extends Error {
  override readonly name = 'TooManyTrendBucketsError';
  constructor(
    readonly count: number,
    readonly interval: TrendInterval,
  ) {
    super(`"interval" ${interval} gives ${count} buckets over this range; at most ${MAX_TREND_BUCKETS} are allowed`);
  }
}

/** The message of the 422 for a range of too many buckets, or null when the range is fine. */
export function trendBucketLimitMessage(range: DateRange, interval: TrendInterval): string | null {
  const count = trendBucketCount(range, interval);
  return count > MAX_TREND_BUCKETS ? new TooManyTrendBucketsError(count, interval).message : null;
}

/** The buckets of a range in a zone; throws TooManyTrendBucketsError past MAX_TREND_BUCKETS. */
export function trendBuckets(range: DateRange, interval: TrendInterval, timeZone: string): TrendBuckets {
  const count = trendBucketCount(range, interval);
  if (count > MAX_TREND_BUCKETS) throw new TooManyTrendBucketsError(count, interval);
  const dates = trendBucketDates(range, interval);
  const bounds = dates.map((bucket) => midnightOf(bucket.start, timeZone));
  bounds.push(midnightOf(addDays(range.endDate, 1), timeZone));
  return { interval, timeZone, dates, bounds };
}

/** The bucket holding an instant (binary search over the bounds), or -1 outside the range. */
export function bucketIndexOf(bounds: ArrayLike<number>, instant: number): number {
  if (bounds.length < 2 || instant < (bounds[0] as number) || instant >= (bounds[bounds.length - 1] as number)) return -1;
  let low = 0;
  let high = bounds.length - 1;
  // Invariant: bounds[low] <= instant < bounds[high].
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if ((bounds[middle] as number) <= instant) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * The interval the dashboard opens a range on: days for up to a month, weeks up to about half a
 * year, months beyond (and for all time).
 */
export function defaultIntervalFor(range: DateRange | null): TrendInterval {
  if (range === null) return 'month';
  const days = daysBetween(range.startDate, range.endDate) + 1;
  if (days <= 45) return 'day';
  if (days <= 200) return 'week';
  return 'month';
}
