import { addDays, addMonthsClamped, calendarDateAt, firstDayOfMonth, type CalendarDate } from './calendar.js';

/**
 * The quick date ranges of the dashboard and the snapshots the rebuild job precomputes
 * (SPEC §6). This module is the one definition: the snapshot job and the dashboard both import it.
 */
export const SNAPSHOT_PRESETS = ['last30', '1m', '3m', '6m'] as const;
export type SnapshotPresetKey = (typeof SNAPSHOT_PRESETS)[number];

export interface DateRange {
  readonly startDate: CalendarDate;
  readonly endDate: CalendarDate;
}

export const PRESET_LABELS: Readonly<Record<SnapshotPresetKey, string>> = {
  last30: 'Last 30 days',
  '1m': 'This month',
  '3m': '3 months',
  '6m': '6 months',
};

/** The range of a preset, ending `today` (a date in CRM_TIMEZONE). */
export function presetRange(preset: SnapshotPresetKey, today: CalendarDate): DateRange {
  switch (preset) {
    case 'last30':
      return { startDate: addDays(today, -30), endDate: today };
    case '1m':
      return { startDate: firstDayOfMonth(today), endDate: today };
    case '3m':
      return { startDate: addMonthsClamped(today, -3), endDate: today };
    case '6m':
      return { startDate: addMonthsClamped(today, -6), endDate: today };
  }
}

/** Today's date in `timeZone` at the instant `now`. */
export function todayInZone(now: number, timeZone: string): CalendarDate {
  return calendarDateAt(now, timeZone);
}

/** Every preset's range for the given day, in SNAPSHOT_PRESETS order. */
export function presetRanges(today: CalendarDate): ReadonlyArray<{ preset: SnapshotPresetKey } & DateRange> {
  return SNAPSHOT_PRESETS.map((preset) => ({ preset, ...presetRange(preset, today) }));
}

/** The preset whose range, ending `today`, is exactly `range`; null when none is. */
export function presetMatching(range: DateRange, today: CalendarDate): SnapshotPresetKey | null {
  for (const preset of SNAPSHOT_PRESETS) {
    const candidate = presetRange(preset, today);
    if (candidate.startDate === range.startDate && candidate.endDate === range.endDate) return preset;
  }
  return null;
}
