import type { LeadFilter } from './analytics-plan.js';
import type { AnalyticsQuery, Parsed } from './analytics-query.js';
import { tierLabelOf, type TierLabel } from './analytics-payload.js';
import { compareText } from './analytics-assembly.js';
import { ageDaysOf, type RecordType } from './lead.js';
import { roundHalfAwayFromZero } from './rounding.js';
import { IN_RECHARGE_STAGE, LOST_STAGE, WON_STAGE, outcomeBucketOf, virtualStageColor, virtualStageOf, type OutcomeBucket } from './virtual-stage.js';

/**
 * The leads behind a number (SPEC §10, `GET /prospects/client-analytics/leads`): the row shape,
 * the two orders and their keyset positions, the cursor's payload, and the CSV rules. Pure: the
 * engines (src/engine/memory, src/engine/sql) find the rows, the capability (src/lead-list/) signs
 * cursors and streams, and every rule a row or a line obeys is here, once.
 */

export const LEAD_LIST_SORTS = ['created_at', '-value_usd'] as const;
export type LeadListSort = (typeof LEAD_LIST_SORTS)[number];
export const LEAD_LIST_OUTCOMES = ['won', 'lost', 'in_recharge', 'remaining'] as const satisfies readonly OutcomeBucket[];
export const LEAD_LIST_FORMATS = ['json', 'csv'] as const;
export type LeadListFormat = (typeof LEAD_LIST_FORMATS)[number];
export const DEFAULT_LEAD_LIST_LIMIT = 100;
export const MAX_LEAD_LIST_LIMIT = 1000;

/** One row of the list, its fields in the order of SPEC §10 (also the CSV columns). */
export interface LeadListRow {
  readonly record_type: RecordType;
  readonly record_id: number;
  readonly name: string;
  readonly salesman_id: number | null;
  readonly salesman: string | null;
  readonly locale_id: number;
  readonly tier_label: TierLabel;
  readonly stage_name: string;
  readonly stage_color: string;
  readonly product: string | null;
  readonly monthly_shipments: number;
  readonly value_usd: number;
  readonly is_won: boolean;
  readonly is_lost: boolean;
  readonly won_at: string | null;
  readonly closing_days: number | null;
  readonly created_at: string;
  readonly last_activity_at: string | null;
  readonly age_days: number;
}

export const LEAD_LIST_FIELDS = [
  'record_type',
  'record_id',
  'name',
  'salesman_id',
  'salesman',
  'locale_id',
  'tier_label',
  'stage_name',
  'stage_color',
  'product',
  'monthly_shipments',
  'value_usd',
  'is_won',
  'is_lost',
  'won_at',
  'closing_days',
  'created_at',
  'last_activity_at',
  'age_days',
] as const satisfies readonly (keyof LeadListRow)[];

/** What an engine reads of one lead of `crm_analytics_leads` to make its row: datetimes as epoch ms, flags 0/1. */
export interface LeadListSource {
  readonly record_type: RecordType;
  readonly record_id: number;
  readonly name: string;
  readonly salesman_id: number | null;
  readonly salesman_name: string | null;
  readonly locale_id: number;
  readonly locale_rate: number;
  readonly tier: number | null;
  readonly stage_name: string;
  readonly stage_color: string;
  readonly product: string | null;
  readonly monthly_shipments: number;
  /** `account_value` in whole cents (exact on every dialect). */
  readonly account_cents: number;
  readonly is_won: number;
  readonly is_lost: number;
  readonly has_shipment: number;
  readonly has_recharge: number;
  readonly won_at: number | null;
  readonly closing_days: number | null;
  readonly created_at: number;
  readonly last_activity_at: number | null;
}

const DAY_MS = 86_400_000;

/**
 * `account_value / locale_rate` before rounding, as a double: the cents over 100 are the double
 * the decimal reads as, divided once by the rate, which is what SQL's double division gives too
 * (the SQL engine orders by that). A broken rate (≤ 0, SPEC §1 promises > 0) counts as 0.
 */
export function valueUsdOf(accountCents: number, localeRate: number): number {
  return localeRate > 0 ? accountCents / 100 / localeRate : 0;
}

/**
 * ISO-8601 UTC with milliseconds, as `Date.prototype.toISOString` writes it: the date part of each
 * day made once, the time by hand (an export writes three per row, a million rows at a time).
 */
const datePartOfDay = new Map<number, string>();
const pad2 = (value: number) => (value < 10 ? `0${value}` : String(value));
export function isoOf(epochMs: number): string {
  const day = Math.floor(epochMs / DAY_MS);
  let date = datePartOfDay.get(day);
  if (date === undefined) {
    if (datePartOfDay.size > 50_000) datePartOfDay.clear();
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    datePartOfDay.set(day, date);
  }
  const inDay = epochMs - day * DAY_MS;
  const millis = inDay % 1000;
  const seconds = Math.floor(inDay / 1000);
  return `${date}T${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

const iso = (epochMs: number | null): string | null => (epochMs === null ? null : isoOf(epochMs));

/** The row of a lead at `now`: the virtual stage, its color, the tier label and age as `active_leads` has them. */
export function leadListRowOf(source: LeadListSource, now: number): LeadListRow {
  const stage = virtualStageOf(source);
  return {
    record_type: source.record_type,
    record_id: source.record_id,
    name: source.name,
    salesman_id: source.salesman_id,
    salesman: source.salesman_name,
    locale_id: source.locale_id,
    tier_label: tierLabelOf(source.tier),
    stage_name: stage,
    stage_color: virtualStageColor(stage, source.stage_color),
    product: source.product,
    monthly_shipments: source.monthly_shipments,
    value_usd: roundHalfAwayFromZero(valueUsdOf(source.account_cents, source.locale_rate), 2),
    is_won: source.is_won === 1,
    is_lost: source.is_lost === 1,
    won_at: iso(source.won_at),
    closing_days: source.closing_days,
    created_at: iso(source.created_at) as string,
    last_activity_at: iso(source.last_activity_at),
    age_days: ageDaysOf(source.created_at, now),
  };
}

// ---- Filters ------------------------------------------------------------------------------------

/** The rows of a list: the request's filters (SPEC §4, no open-only rule) and an optional outcome bucket. */
export interface LeadListFilter {
  readonly leads: LeadFilter;
  readonly outcome: OutcomeBucket | null;
}

/** The virtual stages of the closed and recharge buckets; `remaining` is every other stage. */
export const OUTCOME_BUCKET_STAGES: Readonly<Record<Exclude<OutcomeBucket, 'remaining'>, string>> = {
  lost: LOST_STAGE,
  won: WON_STAGE,
  in_recharge: IN_RECHARGE_STAGE,
};

/** Whether a virtual stage is in the outcome bucket (the bucket rule of SPEC §3, src/domain/virtual-stage.ts). */
export function stageInOutcome(virtualStage: string, outcome: OutcomeBucket): boolean {
  return outcomeBucketOf(virtualStage) === outcome;
}

// ---- Order and positions --------------------------------------------------------------------------

/**
 * Where a row sits in a list's order: `created_at` (epoch ms), record_type, record_id, and for
 * `-value_usd` the unrounded value first. A cursor carries the position of the last row of its page.
 */
export interface LeadPosition {
  readonly created_at: number;
  readonly record_type: RecordType;
  readonly record_id: number;
  /** The unrounded value_usd; only for `-value_usd`. */
  readonly value: number | null;
}

function compareCreated(a: LeadPosition, b: LeadPosition): number {
  return a.created_at - b.created_at || compareText(a.record_type, b.record_type) || a.record_id - b.record_id;
}

/** The order of `sort`: negative when `a` comes first. */
export function compareLeadPositions(sort: LeadListSort, a: LeadPosition, b: LeadPosition): number {
  if (sort === '-value_usd') {
    const byValue = (b.value ?? 0) - (a.value ?? 0);
    if (byValue !== 0) return byValue;
  }
  return compareCreated(a, b);
}

// ---- Cursors ------------------------------------------------------------------------------------

/**
 * What a cursor says, before signing (src/lead-list/ signs it): the order it belongs to and the
 * position after which the next page starts. Stateless: any instance that knows the key answers it.
 */
export interface LeadCursorPayload {
  readonly sort: LeadListSort;
  readonly after: LeadPosition;
}

/** The cursor's payload as compact JSON: `[version, sort, created_at, type, id, value]`. */
export function encodeCursorPayload(payload: LeadCursorPayload): string {
  const { sort, after } = payload;
  return JSON.stringify([1, sort, after.created_at, after.record_type, after.record_id, after.value]);
}

/** The payload of a (verified) cursor text; null when it is not one. */
export function decodeCursorPayload(text: string): LeadCursorPayload | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 6) return null;
  const [version, sort, createdAt, recordType, recordId, value] = parsed as unknown[];
  if (version !== 1) return null;
  if (sort !== 'created_at' && sort !== '-value_usd') return null;
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt)) return null;
  if (recordType !== 'company' && recordType !== 'prospect') return null;
  if (typeof recordId !== 'number' || !Number.isSafeInteger(recordId)) return null;
  if (sort === '-value_usd' ? typeof value !== 'number' || !Number.isFinite(value) : value !== null) return null;
  return { sort, after: { created_at: createdAt, record_type: recordType, record_id: recordId, value: value as number | null } };
}

// ---- CSV ----------------------------------------------------------------------------------------

/** Text fields a spreadsheet could run as a formula: they get a leading `'` when they start with one. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export const CSV_LINE_END = '\r\n';

/** One CSV field (RFC 4180): null empty, booleans true/false, quoted when it holds `,` `"` CR or LF. */
export function csvField(value: string | number | boolean | null, formulaGuard: boolean): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = formulaGuard && FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const CSV_HEADER_LINE = LEAD_LIST_FIELDS.join(',') + CSV_LINE_END;

/** A text field that may need the formula guard or quotes; most need neither, which one test finds. */
const NEEDS_WORK = /^[=+\-@\t\r]|[",\r\n]/;
const guardedText = (value: string | null): string => (value === null ? '' : NEEDS_WORK.test(value) ? csvField(value, true) : value);
const plainText = (value: string | null): string => (value === null ? '' : NEEDS_QUOTES.test(value) ? csvField(value, false) : value);
const orEmpty = (value: string | number | null): string => (value === null ? '' : String(value));

/** A text field as csvField writes it (null empty; `guard`: the formula guard of name, salesman, stage_name, product). */
export function csvTextField(value: string | null, guard: boolean): string {
  return guard ? guardedText(value) : plainText(value);
}

/**
 * One row as a CSV line, CRLF included: `csvField` of each field in LEAD_LIST_FIELDS order (the
 * formula guard on name, salesman, stage_name and product), written out field by field because an
 * export formats a million rows. test/lead-list-csv.test.ts reads it back with a CSV parser.
 */
export function csvLineOf(row: LeadListRow): string {
  return (
    `${row.record_type},${row.record_id},${guardedText(row.name)},${orEmpty(row.salesman_id)},${guardedText(row.salesman)},` +
    `${row.locale_id},${row.tier_label},${guardedText(row.stage_name)},${plainText(row.stage_color)},${guardedText(row.product)},` +
    `${row.monthly_shipments},${row.value_usd},${row.is_won},${row.is_lost},${orEmpty(row.won_at)},${orEmpty(row.closing_days)},` +
    `${row.created_at},${orEmpty(row.last_activity_at)},${row.age_days}${CSV_LINE_END}`
  );
}

/** `crm-leads-<startDate>-<endDate>.csv`, or `crm-leads-all-time.csv` without a date range. */
export function csvFileNameOf(dateRange: { readonly startDate: string; readonly endDate: string } | undefined): string {
  return `crm-leads-${dateRange ? `${dateRange.startDate}-${dateRange.endDate}` : 'all-time'}.csv`;
}

// ---- Parameters ---------------------------------------------------------------------------------

/** The request of a list after validation: the §4 filters, and the §10 parameters. */
export interface LeadListQuery {
  readonly filters: AnalyticsQuery;
  readonly outcome: OutcomeBucket | null;
  readonly sort: LeadListSort;
  readonly limit: number;
  /** As given; the capability verifies it against `sort`. */
  readonly cursor: string | null;
  readonly format: LeadListFormat;
}

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (text: string): Parsed<T> =>
    (values as readonly string[]).includes(text)
      ? { ok: true, value: text as T }
      : { ok: false, reason: `must be one of ${values.join(', ')}` };

export const parseOutcome = oneOf(LEAD_LIST_OUTCOMES);
export const parseSort = oneOf(LEAD_LIST_SORTS);
export const parseFormat = oneOf(LEAD_LIST_FORMATS);

export function parseLimit(text: string): Parsed<number> {
  const value = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  return value >= 1 && value <= MAX_LEAD_LIST_LIMIT
    ? { ok: true, value }
    : { ok: false, reason: `must be an integer from 1 to ${MAX_LEAD_LIST_LIMIT}` };
}
