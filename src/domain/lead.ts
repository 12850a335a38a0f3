/**
 * A lead as the analytics read it: one row of `crm_analytics_leads` (SPEC §2), with datetimes
 * as epoch milliseconds. Pure data; the database layer maps rows into it.
 */
export type RecordType = 'company' | 'prospect';

export const RECORD_TYPES: readonly RecordType[] = ['company', 'prospect'];

/** The key of one lead: one row of `crm_analytics_leads`. */
export interface LeadKey {
  readonly record_type: RecordType;
  readonly record_id: number;
}

export interface Lead {
  readonly record_type: RecordType;
  readonly record_id: number;
  readonly name: string;
  readonly salesman_id: number | null;
  readonly salesman_name: string | null;
  readonly locale_id: number;
  readonly locale_rate: number;
  readonly tier: number | null;
  readonly stage_id: number;
  readonly stage_name: string;
  readonly stage_color: string;
  readonly product: string | null;
  readonly monthly_shipments: number;
  readonly account_value: number;
  readonly is_won: number;
  readonly is_lost: number;
  readonly won_at: number | null;
  readonly closing_days: number | null;
  readonly has_shipment: number;
  readonly has_recharge: number;
  readonly last_activity_at: number | null;
  readonly created_at: number;
}

const DAY_MS = 86_400_000;

/** Whole days (floor) from the lead's creation to its win; null when it has not been won. */
export function closingDaysOf(createdAt: number, wonAt: number | null): number | null {
  return wonAt === null ? null : Math.floor((wonAt - createdAt) / DAY_MS);
}
