import type { CalendarDate } from '@domain/calendar.js';
import { bucketStartOf, type BucketDates, type TrendInterval } from '@domain/trend-buckets.js';

/**
 * The labels of trend buckets, from the domain's calendar rules (src/domain/trend-buckets.ts): a
 * day reads `Apr 7`, a week by its Monday (`Wk Mar 30`, even when the range clips its first days),
 * a month `Mar 2026`. Calendar dates carry no zone: they are formatted as UTC so no browser zone
 * shifts them.
 */
const dayFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' });
const monthFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', year: 'numeric' });

const asUtc = (date: CalendarDate) => new Date(`${date}T00:00:00Z`);

export function bucketLabel(bucket: BucketDates, interval: TrendInterval): string {
  switch (interval) {
    case 'day':
      return dayFormat.format(asUtc(bucket.start));
    case 'week':
      return `Wk ${dayFormat.format(asUtc(bucketStartOf(bucket.start, 'week')))}`;
    case 'month':
      return monthFormat.format(asUtc(bucket.start));
  }
}

/** `2026-03-30 – 2026-04-05`, or the one date of a one-day bucket. */
export function bucketRangeText(bucket: BucketDates): string {
  return bucket.start === bucket.end ? bucket.start : `${bucket.start} – ${bucket.end}`;
}
