/**
 * Calendar dates (`YYYY-MM-DD`, no time, no zone) and the one place they meet instants: the
 * midnight that starts a date in an IANA time zone. Pure and browser-safe (Intl only): the
 * dashboard imports it too.
 */
export type CalendarDate = string;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

interface DateParts {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number;
}

function partsOf(date: CalendarDate): DateParts {
  const parsed = parseCalendarDate(date);
  if (parsed === null) throw new RangeError(`not a calendar date: ${JSON.stringify(date)}`);
  return parsed;
}

function format({ year, month, day }: DateParts): CalendarDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The parts of a real calendar date in `YYYY-MM-DD` (so `2026-02-30` is null), else null. */
export function parseCalendarDate(value: string): DateParts | null {
  const match = CALENDAR_DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isCalendarDate(value: string): boolean {
  return parseCalendarDate(value) !== null;
}

function toDayNumber(date: CalendarDate): number {
  const { year, month, day } = partsOf(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function fromDayNumber(dayNumber: number): CalendarDate {
  const utc = new Date(dayNumber * DAY_MS);
  return format({ year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() });
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Calendar-month arithmetic; a day past the end of the target month clamps to its last day. */
export function addMonthsClamped(date: CalendarDate, months: number): CalendarDate {
  const { year, month, day } = partsOf(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  return format({ year: targetYear, month: targetMonth, day: Math.min(day, daysInMonth(targetYear, targetMonth)) });
}

export function firstDayOfMonth(date: CalendarDate): CalendarDate {
  const { year, month } = partsOf(date);
  return format({ year, month, day: 1 });
}

// ---- time zones ---------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading in `timeZone` of an instant, as if it were UTC (ms, whole seconds). */
function wallClockAsUtc(epochMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** The calendar date in `timeZone` at the given instant. */
export function calendarDateAt(epochMs: number, timeZone: string): CalendarDate {
  return fromDayNumber(Math.floor(wallClockAsUtc(epochMs, timeZone) / DAY_MS));
}

/**
 * The first instant of `date` in `timeZone`: its local midnight, or, where a DST jump skips
 * midnight, the first local time that exists that day.
 */
export function startOfDayInZone(date: CalendarDate, timeZone: string): number {
  const wallMidnight = toDayNumber(date) * DAY_MS;
  let candidate = wallMidnight;
  // Two rounds settle the offset, even when it changes between the guess and the answer.
  for (let round = 0; round < 2; round += 1) {
    candidate = wallMidnight - (wallClockAsUtc(candidate, timeZone) - candidate);
  }
  if (calendarDateAt(candidate, timeZone) !== date) {
    // Midnight does not exist (the clock jumped over it): move to the jump.
    const offsetBefore = wallClockAsUtc(candidate, timeZone) - candidate;
    candidate = wallMidnight - offsetBefore;
    while (calendarDateAt(candidate, timeZone) < date) candidate += 60_000;
  }
  // An earlier instant on the same local date would exist only after a backward jump at midnight.
  while (calendarDateAt(candidate - 1000, timeZone) === date) candidate -= 1000;
  return candidate;
}
