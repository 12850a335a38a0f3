import { addDays, daysBetween, startOfDayInZone } from './calendar.js';
import type { AnalyticsQuery } from './analytics-query.js';
import type { DateRange } from './presets.js';
import { showsClosedLeads } from './virtual-stage.js';

/** Instants (epoch ms), start included, end excluded. */
export interface InstantRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Which leads of `crm_analytics_leads` a measure reads. Every set field is one condition; all
 * conditions hold at once. Engines apply it (SQL `where`, an in-memory scan) and nothing more.
 */
export interface LeadFilter {
  /** `created_at` in the range. */
  readonly createdAt: InstantRange | null;
  /** `won_at` in the range. */
  readonly wonAt: InstantRange | null;
  /** `won_at` is set. */
  readonly hasWonAt: boolean;
  readonly localeIds: readonly number[] | null;
  readonly salesmanId: number | null;
  /** `tier` in the list; a lead without a tier never matches. */
  readonly tiers: readonly number[] | null;
  /** The virtual stage (SPEC §3) equals this. */
  readonly virtualStage: string | null;
  readonly product: string | null;
  /** `is_won = 0 AND is_lost = 0`. */
  readonly openOnly: boolean;
}

/**
 * The lead sets one request reads, worked out once from its parameters (SPEC §4–5):
 * - `current`: every filter of the request;
 * - `previous`: the same over the previous period, or null without a date range;
 * - `open`: `current`, less won and lost leads unless `stage` is `won` or `customer_lost`
 *   (by_tier and active_leads);
 * - `closing`: `current` with the date range applied to `won_at` instead of `created_at`
 *   (avg_closing_days);
 * - `executives`: the `localeIds` filter alone (by_executive).
 */
export interface AnalyticsPlan {
  readonly current: LeadFilter;
  readonly previous: LeadFilter | null;
  readonly open: LeadFilter;
  readonly closing: LeadFilter;
  readonly executives: LeadFilter;
}

export const NO_FILTER: LeadFilter = {
  createdAt: null,
  wonAt: null,
  hasWonAt: false,
  localeIds: null,
  salesmanId: null,
  tiers: null,
  virtualStage: null,
  product: null,
  openOnly: false,
};

/** [startDate 00:00, endDate + 1 day 00:00) of `timeZone`, as instants. */
export function instantRangeOf(range: DateRange, timeZone: string): InstantRange {
  return { from: startOfDayInZone(range.startDate, timeZone), to: startOfDayInZone(addDays(range.endDate, 1), timeZone) };
}

/** The previous period of a range of L days: [startDate − L days, startDate − 1 day]. */
export function previousPeriodOf(range: DateRange): DateRange {
  const length = daysBetween(range.startDate, range.endDate) + 1;
  return { startDate: addDays(range.startDate, -length), endDate: addDays(range.startDate, -1) };
}

/** Every filter of `query` but its date range: the payload's plan and the trends' plan read them alike. */
export function filtersBesidesDates(query: AnalyticsQuery): LeadFilter {
  return {
    ...NO_FILTER,
    localeIds: query.localeIds ?? null,
    salesmanId: query.salesman ?? null,
    tiers: query.tiers ?? null,
    virtualStage: query.stage ?? null,
    product: query.product ?? null,
  };
}

export function planAnalytics(query: AnalyticsQuery, timeZone: string): AnalyticsPlan {
  const others = filtersBesidesDates(query);
  const range = query.dateRange ? instantRangeOf(query.dateRange, timeZone) : null;
  const current: LeadFilter = { ...others, createdAt: range };
  return {
    current,
    previous: query.dateRange ? { ...others, createdAt: instantRangeOf(previousPeriodOf(query.dateRange), timeZone) } : null,
    open: { ...current, openOnly: !showsClosedLeads(query.stage) },
    closing: { ...others, wonAt: range, hasWonAt: true },
    executives: { ...NO_FILTER, localeIds: query.localeIds ?? null },
  };
}
