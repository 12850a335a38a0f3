import type { DataGeneration } from '../domain/data-generation.js';
import type { TrendAggregates, TrendPlan } from '../domain/trends.js';

export interface TrendResult {
  /** The buckets and what the leads of each add up to; src/domain/trends.ts assembles the series. */
  readonly aggregates: TrendAggregates;
  /** The sync run the figures reflect; null before the first successful sync. */
  readonly generation: DataGeneration | null;
}

/**
 * Computes the aggregates of a trend (SPEC §11) over crm_analytics_leads: the earliest matching
 * `created_at` when the plan has no dates, the buckets (bucketsOfPlan, which may throw
 * TooManyTrendBucketsError), then per bucket the created and won groups. The SQL engine
 * (./sql/sql-trends.ts) and the memory engine (./memory/memory-trends.ts) give equal aggregates
 * for the same leads.
 */
export interface TrendEngine {
  /** `latest`: the latest successful sync when the caller has just read it; undefined: not known. */
  trends(plan: TrendPlan, latest?: DataGeneration | null): Promise<TrendResult>;
}
