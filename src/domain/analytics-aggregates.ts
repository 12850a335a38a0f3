import type { RecordType } from './lead.js';

/**
 * What an analytics engine hands to `assembleAnalyticsPayload`: plain counts and sums over the
 * lead sets of an `AnalyticsPlan`, grouped by the columns the rules need. No rounding, no
 * sorting, no labels, no virtual stage: those rules live once, in the domain assembly, so every
 * engine (SQL and in-memory) gives the same payload for the same leads.
 *
 * Money travels as whole cents of local currency per locale rate, never as a USD double summed
 * by the database: integer sums are exact on every dialect, and the domain turns them into USD in
 * one fixed order (see ./money.ts).
 */

/** Σ `account_value` (in cents) of leads sharing one `locale_rate`. */
export interface RateCents {
  readonly rate: number;
  readonly cents: number;
}

/** Leads sharing their virtual-stage inputs and locale rate (plan.current and plan.previous). */
export interface StageGroup {
  readonly is_lost: number;
  readonly is_won: number;
  readonly has_recharge: number;
  readonly has_shipment: number;
  readonly stage_name: string;
  readonly rate: number;
  readonly leads: number;
  /** Σ `monthly_shipments` */
  readonly shipments: number;
  /** Σ `account_value` in cents */
  readonly cents: number;
}

/** Leads of one salesman (id and name as stored; both null when unassigned) by outcome flags (plan.current). */
export interface SalesmanGroup {
  readonly salesman_id: number | null;
  readonly salesman_name: string | null;
  readonly is_lost: number;
  readonly is_won: number;
  readonly leads: number;
}

/** Leads per tier (null: no tier) over plan.open. */
export interface TierGroup {
  readonly tier: number | null;
  readonly leads: number;
}

/** Leads of one non-null product and locale rate (plan.current). */
export interface ProductGroup {
  readonly product: string;
  readonly rate: number;
  readonly leads: number;
  readonly cents: number;
}

/** Σ and count of `closing_days` (plan.closing). */
export interface ClosingDaysTotals {
  readonly sum: number;
  readonly count: number;
}

/** A distinct (salesman_id, salesman_name) pair of plan.executives; unassigned leads give none. */
export interface ExecutiveRow {
  readonly id: number;
  readonly name: string | null;
}

/** A lead of plan.open, with what its active_leads entry shows. */
export interface ActiveLeadRow {
  readonly record_type: RecordType;
  readonly record_id: number;
  readonly name: string;
  readonly salesman_name: string | null;
  readonly tier: number | null;
  readonly stage_name: string;
  readonly stage_color: string;
  readonly is_lost: number;
  readonly is_won: number;
  readonly has_recharge: number;
  readonly has_shipment: number;
  /** epoch ms */
  readonly created_at: number;
}

export interface AnalyticsAggregates {
  readonly current: readonly StageGroup[];
  /** null when the plan has no previous period (no date range). */
  readonly previous: readonly StageGroup[] | null;
  readonly salesmen: readonly SalesmanGroup[];
  readonly tiers: readonly TierGroup[];
  readonly products: readonly ProductGroup[];
  readonly closingDays: ClosingDaysTotals;
  readonly executives: readonly ExecutiveRow[];
  /**
   * At least the first ACTIVE_LEADS_LIMIT leads of plan.open by (created_at, record_type,
   * record_id), or all of them when there are fewer; any order.
   */
  readonly activeLeads: readonly ActiveLeadRow[];
}
