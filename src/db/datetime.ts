/**
 * Datetimes cross the database boundary as UTC text, on every dialect:
 * - written as `YYYY-MM-DD HH:MM:SS` or, when there are milliseconds, `YYYY-MM-DD HH:MM:SS.SSS`;
 *   MySQL's DATETIME(3) and PostgreSQL's timestamp(3) parse both, and SQLite stores the text as is;
 * - read back as text (each dialect's driver is told not to build a local-time `Date`) and parsed
 *   here as UTC.
 *
 * Dropping `.000` matters on SQLite, where datetimes compare as strings: a bound written without
 * a fraction sorts at or before every stored value of that same second, whether the CRM stored it
 * with or without `.SSS`. So `col >= bound` and `col < bound` stay exact, and `col > bound` can only
 * err by including a value equal to the bound.
 */
export function formatDbDateTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new RangeError(`not a finite instant: ${epochMs}`);
  // The seeder formats millions of instants: the date part is cached, the time built by hand.
  const day = Math.floor(epochMs / DAY_MS);
  let remainder = epochMs - day * DAY_MS;
  const millis = remainder % 1000;
  remainder = (remainder - millis) / 1000;
  const seconds = remainder % 60;
  remainder = (remainder - seconds) / 60;
  const time = `${twoDigits(Math.floor(remainder / 60))}:${twoDigits(remainder % 60)}:${twoDigits(seconds)}`;
  const text = `${datePart(day)} ${time}`;
  return millis === 0 ? text : `${text}.${String(millis).padStart(3, '0')}`;
}

const DAY_MS = 86_400_000;
const datePartCache = new Map<number, string>();

function datePart(day: number): string {
  let text = datePartCache.get(day);
  if (text === undefined) {
    if (datePartCache.size > 20_000) datePartCache.clear();
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    datePartCache.set(day, text);
  }
  return text;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

const DB_DATETIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]00(?::?00)?)?$/;

/** Epoch milliseconds of a datetime read from any dialect (text, or a `Date` from a raw driver). */
export function parseDbDateTime(value: string | Date): number {
  if (value instanceof Date) return value.getTime();
  const match = DB_DATETIME.exec(value);
  if (!match) throw new RangeError(`not a UTC datetime: ${JSON.stringify(value)}`);
  const fraction = (match[3] ?? '.000').slice(1, 4).padEnd(3, '0');
  return Date.parse(`${match[1]}T${match[2]}.${fraction}Z`);
}

export function parseNullableDbDateTime(value: string | Date | null): number | null {
  return value === null ? null : parseDbDateTime(value);
}
