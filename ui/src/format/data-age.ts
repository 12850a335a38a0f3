/**
 * How old the data on screen is, against SYNC_STALE_AFTER_SECONDS (the filter options carry it):
 * past it the dashboard warns that the sync has not succeeded since the data's date.
 */
export interface DataStaleness {
  readonly stale: boolean;
  /** `45 minutes`, `5 hours`, `3 days`. */
  readonly age: string;
  readonly ageSeconds: number;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** `ageSeconds` in words, rounded down to the largest unit that reads well. */
export function describeAge(ageSeconds: number): string {
  const seconds = Math.max(0, ageSeconds);
  if (seconds < HOUR) return plural(Math.floor(seconds / MINUTE), 'minute');
  if (seconds < 2 * DAY) return plural(Math.floor(seconds / HOUR), 'hour');
  return plural(Math.floor(seconds / DAY), 'day');
}

/** Null when there is no data yet (`data_as_of` null) or no threshold. */
export function dataStaleness(dataAsOf: string | null, now: number, staleAfterSeconds: number | null): DataStaleness | null {
  if (dataAsOf === null || staleAfterSeconds === null) return null;
  const asOf = Date.parse(dataAsOf);
  if (Number.isNaN(asOf)) return null;
  const ageSeconds = Math.max(0, (now - asOf) / 1000);
  return { stale: ageSeconds > staleAfterSeconds, age: describeAge(ageSeconds), ageSeconds };
}
