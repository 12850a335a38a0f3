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
  const canonical = parseCanonicalDateTime(value);
  if (canonical !== null) return canonical;
  const match = DB_DATETIME.exec(value);
  if (!match) throw new RangeError(`not a UTC datetime: ${JSON.stringify(value)}`);
  const fraction = (match[3] ?? '.000').slice(1, 4).padEnd(3, '0');
  return Date.parse(`${match[1]}T${match[2]}.${fraction}Z`);
}

export function parseNullableDbDateTime(value: string | Date | null): number | null {
  return value === null ? null : parseDbDateTime(value);
}

const ZERO = 48;

function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let index = from; index < from + count; index++) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD HH:MM:SS.SSS`, what every dialect hands back, without a
 * regular expression or a Date: the memory engine parses millions of these when it loads. Null
 * for any other shape (the general path handles it).
 */
function parseCanonicalDateTime(text: string): number | null {
  if (text.length !== 19 && text.length !== 23) return null;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return null;
  if (text.length === 23 && text[19] !== '.') return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hours = digitsAt(text, 11, 2);
  const minutes = digitsAt(text, 14, 2);
  const seconds = digitsAt(text, 17, 2);
  const millis = text.length === 23 ? digitsAt(text, 20, 3) : 0;
  if (Number.isNaN(year + month + day + hours + minutes + seconds + millis)) return null;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 59) return null;
  return daysFromCivil(year, month, day) * DAY_MS + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}
