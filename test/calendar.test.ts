import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonthsClamped,
  calendarDateAt,
  daysBetween,
  isCalendarDate,
  startOfDayInZone,
} from '../src/domain/calendar.js';
import { presetRange, presetRanges, todayInZone } from '../src/domain/presets.js';

describe('calendar dates', () => {
  it.each([
    ['2026-02-28', true],
    ['2026-02-29', false],
    ['2024-02-29', true],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['2026-04-31', false],
    ['26-04-01', false],
  ])('%s is a calendar date: %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it('clamps month arithmetic to the end of the month', () => {
    expect(addMonthsClamped('2026-05-31', -3)).toBe('2026-02-28');
    expect(addMonthsClamped('2024-05-31', -3)).toBe('2024-02-29');
    expect(addMonthsClamped('2026-08-31', -6)).toBe('2026-02-28');
    expect(addMonthsClamped('2026-03-15', -3)).toBe('2025-12-15');
    expect(addMonthsClamped('2026-01-31', 1)).toBe('2026-02-28');
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -30)).toBe('2025-12-02');
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364);
  });

  it('finds the midnight that starts a date in a time zone', () => {
    expect(new Date(startOfDayInZone('2026-03-10', 'UTC')).toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(new Date(startOfDayInZone('2026-03-10', 'America/Mexico_City')).toISOString()).toBe('2026-03-10T06:00:00.000Z');
    expect(new Date(startOfDayInZone('2026-07-01', 'Europe/Madrid')).toISOString()).toBe('2026-06-30T22:00:00.000Z');
    // Santiago springs forward at midnight: 2026-09-06 starts at 01:00 local (04:00 UTC).
    expect(new Date(startOfDayInZone('2026-09-06', 'America/Santiago')).toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('starts each day exactly where the previous one ends, in any zone', () => {
    const zones = ['UTC', 'America/Santiago', 'America/Mexico_City', 'Europe/Madrid', 'Asia/Kolkata', 'Pacific/Apia'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3650 }), fc.constantFrom(...zones), (offset, zone) => {
        const date = addDays('2020-01-01', offset);
        const start = startOfDayInZone(date, zone);
        expect(calendarDateAt(start, zone)).toBe(date);
        expect(calendarDateAt(start - 1, zone)).toBe(addDays(date, -1));
      }),
      { numRuns: 300 },
    );
  });
});

describe('presets', () => {
  it('computes the four presets of SPEC §6', () => {
    expect(presetRanges('2026-05-31')).toEqual([
      { preset: 'last30', startDate: '2026-05-01', endDate: '2026-05-31' },
      { preset: '1m', startDate: '2026-05-01', endDate: '2026-05-31' },
      { preset: '3m', startDate: '2026-02-28', endDate: '2026-05-31' },
      { preset: '6m', startDate: '2025-11-30', endDate: '2026-05-31' },
    ]);
  });

  it('handles leap years', () => {
    expect(presetRange('3m', '2024-05-31')).toEqual({ startDate: '2024-02-29', endDate: '2024-05-31' });
    expect(presetRange('6m', '2024-08-29')).toEqual({ startDate: '2024-02-29', endDate: '2024-08-29' });
    expect(presetRange('last30', '2024-03-01')).toEqual({ startDate: '2024-01-31', endDate: '2024-03-01' });
    expect(presetRange('1m', '2024-02-29')).toEqual({ startDate: '2024-02-01', endDate: '2024-02-29' });
  });

  it('reads today in CRM_TIMEZONE', () => {
    const instant = Date.parse('2026-03-01T03:00:00Z');
    expect(todayInZone(instant, 'UTC')).toBe('2026-03-01');
    expect(todayInZone(instant, 'America/Mexico_City')).toBe('2026-02-28');
  });
});
