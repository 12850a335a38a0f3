import { isCalendarDate, type CalendarDate } from './calendar.js';
import type { DateRange } from './presets.js';
import { OUTCOME_STAGES } from './virtual-stage.js';

/**
 * The query parameters of `GET /prospects/client-analytics` (SPEC §4): their rules as pure
 * functions, and the validated query they turn into. The HTTP layer wraps these rules in its Joi
 * schema; nothing else re-states them.
 */
export const MAX_LOCALE_IDS = 100;
export const MAX_STAGE_LENGTH = 64;
export const MAX_PRODUCT_LENGTH = 128;

/** A request's filters after validation. Absent parameters are absent here too. */
export interface AnalyticsQuery {
  /** Both dates or neither (SPEC §4). */
  readonly dateRange?: DateRange;
  /** As given (duplicates and order kept); see `normalizeLocaleIds` for the cache key. */
  readonly localeIds?: readonly number[];
  readonly salesman?: number;
  readonly tiers?: readonly number[];
  /** A virtual stage: `customer_lost`, `won`, `in_recharge` or a pipeline stage name. */
  readonly stage?: string;
  readonly product?: string;
}

/** A parse result: the value, or why the text is not one (the HTTP layer prefixes the name). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

const DIGITS = /^\d+$/;

export function parseCalendarDateParameter(text: string): Parsed<CalendarDate> {
  return isCalendarDate(text) ? ok(text) : fail('must be a real calendar date in YYYY-MM-DD');
}

function parsePositive(text: string): number | null {
  if (!DIGITS.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 1 ? value : null;
}

export function parseLocaleIds(text: string): Parsed<number[]> {
  const parts = text.split(',');
  const ids: number[] = [];
  for (const part of parts) {
    const id = parsePositive(part);
    if (id === null) return fail('must be a comma-separated list of positive integers');
    ids.push(id);
  }
  if (ids.length > MAX_LOCALE_IDS) return fail(`must list at most ${MAX_LOCALE_IDS} ids`);
  return ok(ids);
}

export function parseSalesman(text: string): Parsed<number> {
  const id = parsePositive(text);
  return id === null ? fail('must be a positive integer') : ok(id);
}

export function parseTiers(text: string): Parsed<number[]> {
  const tiers: number[] = [];
  for (const part of text.split(',')) {
    if (!/^[0-5]$/.test(part)) return fail('must be a comma-separated list of integers 0-5');
    tiers.push(Number(part));
  }
  return ok(tiers);
}

/** Lengths count characters (code points), as the CRM's varchar columns do. */
export function characterLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/** The part of the stage rule that needs no database: length, and whether it is an outcome stage. */
export function parseStageShape(text: string): Parsed<string> {
  return characterLength(text) > MAX_STAGE_LENGTH ? fail(`must be at most ${MAX_STAGE_LENGTH} characters`) : ok(text);
}

export function isOutcomeStage(stage: string): boolean {
  return (OUTCOME_STAGES as readonly string[]).includes(stage);
}

export const UNKNOWN_STAGE_REASON = 'must be customer_lost, won, in_recharge or the name of a pipeline stage';

export function parseProduct(text: string): Parsed<string> {
  return characterLength(text) > MAX_PRODUCT_LENGTH ? fail(`must be at most ${MAX_PRODUCT_LENGTH} characters`) : ok(text);
}

/** A request is cacheable when it sets no interactive filter (SPEC §6). */
export function isCacheable(query: AnalyticsQuery): boolean {
  return query.salesman === undefined && query.tiers === undefined && query.stage === undefined && query.product === undefined;
}

/** Integers ascending, duplicates dropped: `3,1,3` and `1,3` are the same request. */
export function normalizeLocaleIds(ids: readonly number[] | undefined): number[] {
  return [...new Set(ids ?? [])].sort((a, b) => a - b);
}

/**
 * The text whose MD5 is the snapshot cache key (SPEC §6): `startDate|endDate|localeIds`, each
 * absent part empty, locale ids normalised. The all-time key hashes `||`.
 */
export function snapshotKeySource(query: Pick<AnalyticsQuery, 'dateRange' | 'localeIds'>): string {
  return [query.dateRange?.startDate ?? '', query.dateRange?.endDate ?? '', normalizeLocaleIds(query.localeIds).join(',')].join('|');
}
