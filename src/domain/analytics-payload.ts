import type { DataGeneration } from './data-generation.js';
import type { RecordType } from './lead.js';

/**
 * The response of `GET /prospects/client-analytics` (SPEC §5), field for field. The dashboard
 * reads the same types.
 */
export interface KpiValue<T> {
  readonly current: T;
  /** The same measure over the previous period; null when the request has no date range. */
  readonly previous: T | null;
}

export interface AnalyticsKpis {
  readonly total_leads: KpiValue<number>;
  readonly total_shipments: KpiValue<number>;
  readonly avg_shipment_cost: KpiValue<number | null>;
  readonly total_lost: KpiValue<number>;
}

export interface ExtraKpis {
  readonly avg_closing_days: number | null;
  readonly advancement_rate: number;
  readonly in_recharge: number;
}

export interface FunnelEntry {
  readonly stage_name: string;
  readonly count: number;
  readonly percentage: number;
}

export interface OutcomeSummary {
  readonly won: number;
  readonly lost: number;
  readonly in_recharge: number;
  readonly remaining: number;
}

export interface ExecutiveOption {
  readonly id: number;
  readonly name: string;
}

export interface ExecutiveStageEntry {
  readonly id: number | null;
  readonly name: string | null;
  readonly won: number;
  readonly lost: number;
  readonly remaining: number;
  readonly total: number;
}

export type TierLabel = '' | 'T0' | 'T1' | 'T2' | 'T3' | 'T4' | 'T5';

/** Every tier label, in the order by_tier lists them: no tier (`""`) first. */
export const TIER_LABELS: readonly TierLabel[] = ['', 'T0', 'T1', 'T2', 'T3', 'T4', 'T5'];

export interface TierEntry {
  readonly tier_label: TierLabel;
  readonly count: number;
}

export interface ProductEntry {
  readonly product_name: string;
  readonly lead_count: number;
  readonly total_value: number;
}

export interface ActiveLead {
  readonly record_id: number;
  readonly record_type: RecordType;
  readonly name: string;
  readonly salesman: string | null;
  readonly tier_label: TierLabel;
  readonly stage_name: string;
  readonly stage_color: string;
  readonly age_days: number;
}

export type PayloadSource = 'snapshot' | 'live';

export interface PayloadMeta {
  readonly source: PayloadSource;
  /** ISO-8601 UTC instant the payload was computed. */
  readonly computed_at: string;
  /** Watermark of the sync run whose data the payload reflects; null before the first sync. */
  readonly data_as_of: string | null;
}

/** The `meta` of every analytics answer (SPEC §5, §10–12): where it came from, when, and which sync's data. */
export function payloadMetaOf(source: PayloadSource, computedAt: number, generation: DataGeneration | null): PayloadMeta {
  return { source, computed_at: new Date(computedAt).toISOString(), data_as_of: generation?.watermark ?? null };
}

export interface AnalyticsPayload {
  readonly kpis: AnalyticsKpis;
  readonly extra_kpis: ExtraKpis;
  readonly sales_funnel: readonly FunnelEntry[];
  readonly outcome_summary: OutcomeSummary;
  readonly by_executive: readonly ExecutiveOption[];
  readonly by_executive_stage: readonly ExecutiveStageEntry[];
  readonly by_tier: readonly TierEntry[];
  readonly by_product: readonly ProductEntry[];
  readonly active_leads: readonly ActiveLead[];
  readonly meta: PayloadMeta;
}

/** The payload as an engine computes it; the service adds `meta` (where it came from, when). */
export type AnalyticsBody = Omit<AnalyticsPayload, 'meta'>;

export const ACTIVE_LEADS_LIMIT = 100;

export function tierLabelOf(tier: number | null): TierLabel {
  return tier === null ? '' : (`T${tier}` as TierLabel);
}
