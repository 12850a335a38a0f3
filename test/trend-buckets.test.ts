import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../src/domain/calendar.js';
import {
  bucketIndexOf,
  defaultIntervalFor,
  isoWeekday,
  MAX_TREND_BUCKETS,
  TooManyTrendBucketsError,
  TREND_INTERVALS,
  trendBucketCount,
  trendBucketDates,
  trendBuckets,
} from '../src/domain/trend-buckets.js';

/** The calendar rules of trend buckets (SPEC §11), pure: no database. */
describe('trend buckets', () => {
  it('clips a week that crosses a month end, and a range starting mid-week', () => {
    // 2026-03-25 is a Wednesday; 2026-04-07 a Tuesday.
    expect(trendBucketDates({ startDate: '2026-03-25', endDate: '2026-04-07' }, 'week')).toEqual([
      { start: '2026-03-25', end: '2026-03-29' },
      { start: '2026-03-30', end: '2026-04-05' },
      { start: '2026-04-06', end: '2026-04-07' },
    ]);
    expect(trendBucketDates({ startDate: '2026-01-15', endDate: '2026-03-10' }, 'month')).toEqual([
      { start: '2026-01-15', end: '2026-01-31' },
      { start: '2026-02-01', end: '2026-02-28' },
      { start: '2026-03-01', end: '2026-03-10' },
    ]);
    expect(trendBucketDates({ startDate: '2024-02-28', endDate: '2024-03-01' }, 'day')).toEqual([
      { start: '2024-02-28', end: '2024-02-28' },
      { start: '2024-02-29', end: '2024-02-29' },
      { start: '2024-03-01', end: '2024-03-01' },
    ]);
    // One day: one bucket of each interval.
    for (const interval of TREND_INTERVALS) expect(trendBucketDates({ startDate: '2026-12-31', endDate: '2026-12-31' }, interval)).toEqual([{ start: '2026-12-31', end: '2026-12-31' }]);
    // ISO weeks across a year end: 2026-12-28 (Mon) … 2027-01-03 (Sun) is one week.
    expect(trendBucketDates({ startDate: '2026-12-30', endDate: '2027-01-05' }, 'week')).toEqual([
      { start: '2026-12-30', end: '2027-01-03' },
      { start: '2027-01-04', end: '2027-01-05' },
    ]);
  });

  it('numbers weekdays from Monday', () => {
    expect(isoWeekday('2026-03-30')).toBe(0);
    expect(isoWeekday('2026-04-05')).toBe(6);
    expect(isoWeekday('1969-12-29')).toBe(0);
  });

  const dateArb = fc.integer({ min: 0, max: 3000 }).map((day) => addDays('2020-01-01', day));
  const rangeArb = fc.tuple(dateArb, dateArb).map(([a, b]) => (a <= b ? { startDate: a, endDate: b } : { startDate: b, endDate: a }));

  it('covers a range without gaps or overlaps, ascending, each bucket one calendar period; counts them without listing', () => {
    fc.assert(
      fc.property(rangeArb, fc.constantFrom(...TREND_INTERVALS), (range, interval) => {
        const dates = trendBucketDates(range, interval);
        expect(dates.length).toBe(trendBucketCount(range, interval));
        expect(dates[0]?.start).toBe(range.startDate);
        expect(dates.at(-1)?.end).toBe(range.endDate);
        dates.forEach((bucket, index) => {
          expect(bucket.start <= bucket.end).toBe(true);
          if (index > 0) expect(bucket.start).toBe(addDays(dates[index - 1]!.end, 1));
          if (interval === 'day') expect(bucket.end).toBe(bucket.start);
          if (interval === 'week') {
            expect(daysBetween(bucket.start, bucket.end)).toBeLessThanOrEqual(6);
            if (index > 0) expect(isoWeekday(bucket.start)).toBe(0);
            if (index < dates.length - 1) expect(isoWeekday(bucket.end)).toBe(6);
          }
          if (interval === 'month') {
            expect(bucket.start.slice(0, 7)).toBe(bucket.end.slice(0, 7));
            if (index > 0) expect(bucket.start.slice(8)).toBe('01');
            if (index < dates.length - 1) expect(addDays(bucket.end, 1).slice(8)).toBe('01');
          }
        });
      }),
    );
  });

  it('refuses more than 1,000 buckets, naming interval; exactly 1,000 is fine', () => {
    expect(trendBuckets({ startDate: '2026-01-01', endDate: addDays('2026-01-01', 999) }, 'day', 'UTC').dates).toHaveLength(1000);
    expect(() => trendBuckets({ startDate: '2026-01-01', endDate: addDays('2026-01-01', 1000) }, 'day', 'UTC')).toThrow(TooManyTrendBucketsError);
    expect(() => trendBuckets({ startDate: '2026-01-01', endDate: addDays('2026-01-01', 1000) }, 'day', 'UTC')).toThrow(/"interval"/);
    // 2026-01-05 is a Monday: 1,000 whole weeks end on a Sunday 6,999 days later.
    expect(trendBucketCount({ startDate: '2026-01-05', endDate: addDays('2026-01-05', 6999) }, 'week')).toBe(MAX_TREND_BUCKETS);
    expect(trendBucketCount({ startDate: '2026-01-05', endDate: addDays('2026-01-05', 7000) }, 'week')).toBe(MAX_TREND_BUCKETS + 1);
    expect(trendBucketCount({ startDate: '0001-01-01', endDate: '9999-12-31' }, 'month')).toBe(9999 * 12);
  });

  it('bounds each bucket by local midnights and finds an instant\'s bucket', () => {
    const { bounds, dates } = trendBuckets({ startDate: '2026-03-28', endDate: '2026-03-30' }, 'day', 'Europe/Madrid');
    // Madrid: +01:00 until 2026-03-29 02:00, +02:00 after.
    expect(bounds.map((bound) => new Date(bound).toISOString())).toEqual([
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      '2026-03-30T22:00:00.000Z',
    ]);
    expect(dates).toHaveLength(3);
    expect(bucketIndexOf(bounds, Date.parse('2026-03-27T22:59:59.999Z'))).toBe(-1);
    expect(bucketIndexOf(bounds, Date.parse('2026-03-27T23:00:00.000Z'))).toBe(0);
    expect(bucketIndexOf(bounds, Date.parse('2026-03-29T21:59:59.999Z'))).toBe(1);
    expect(bucketIndexOf(bounds, Date.parse('2026-03-29T22:00:00.000Z'))).toBe(2);
    expect(bucketIndexOf(bounds, Date.parse('2026-03-30T22:00:00.000Z'))).toBe(-1);
  });

  it('opens short ranges by day, half a year by week, longer ones and all time by month', () => {
    expect(defaultIntervalFor({ startDate: '2026-03-18', endDate: '2026-04-17' })).toBe('day');
    expect(defaultIntervalFor({ startDate: '2026-01-17', endDate: '2026-04-17' })).toBe('week');
    expect(defaultIntervalFor({ startDate: '2025-04-17', endDate: '2026-04-17' })).toBe('month');
    expect(defaultIntervalFor(null)).toBe('month');
  });
});
