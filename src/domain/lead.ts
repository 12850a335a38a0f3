/**
 * A lead: one row of `crm_analytics_leads` (SPEC §2), whose columns src/domain/lead-columns.ts
 * declares. Pure data.
 */
export type RecordType = 'company' | 'prospect';

export const RECORD_TYPES: readonly RecordType[] = ['company', 'prospect'];

/** Ids are 32-bit integers on every dialect (SPEC §1 `int`): the range a record id lies in. */
export const MAX_RECORD_ID = 2_147_483_647;
/** Below every record id: where a walk of the ids in ascending order starts. */
export const BELOW_EVERY_RECORD_ID = -2_147_483_648;

/** The key of one row of `crm_analytics_leads`. */
export interface LeadKey {
  readonly record_type: RecordType;
  readonly record_id: number;
}

const DAY_MS = 86_400_000;

/** Whole days (floor) from the lead's creation to `now`: `age_days` of the active leads and the lead list. */
export function ageDaysOf(createdAt: number, now: number): number {
  return Math.floor((now - createdAt) / DAY_MS);
}

/** Whole days (floor) from the lead's creation to its win; null when it has not been won. */
export function closingDaysOf(createdAt: number, wonAt: number | null): number | null {
  return wonAt === null ? null : Math.floor((wonAt - createdAt) / DAY_MS);
}
