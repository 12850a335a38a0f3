import type { AnalyticsAggregates } from '../domain/analytics-aggregates.js';
import { assembleAnalyticsPayload } from '../domain/analytics-assembly.js';
import type { AnalyticsBody } from '../domain/analytics-payload.js';
import type { AnalyticsPlan } from '../domain/analytics-plan.js';
import type { DataGeneration } from '../db/sync-generation.js';

export type { DataGeneration };

export interface EngineResult {
  /** The payload without `meta`: the service adds it (source, computed_at, data_as_of). */
  readonly body: AnalyticsBody;
  /** The sync run the body reflects; null before the first successful sync. */
  readonly generation: DataGeneration | null;
}

/**
 * Computes the analytics payload of a plan at the instant `now` (which `age_days` counts to).
 *
 * An engine only has to produce `AnalyticsAggregates` (counts and sums per group, see
 * src/domain/analytics-aggregates.ts) and call `assembleAnalyticsPayload`, which holds every
 * rounding, sorting and labelling rule: `computeWith` does exactly that. The SQL engine
 * (./sql/) reads `crm_analytics_leads` through Kysely; an in-memory engine can implement the
 * same interface over columns it keeps in memory and give byte-identical payloads.
 */
export interface AnalyticsEngine {
  compute(plan: AnalyticsPlan, now: number): Promise<EngineResult>;
}

/** Aggregates and the generation they were read at, read consistently (one snapshot of the data). */
export interface AggregateReading {
  readonly aggregates: AnalyticsAggregates;
  readonly generation: DataGeneration | null;
}

/** An engine from a function that reads aggregates: the assembly is shared by every engine. */
export function computeWith(read: (plan: AnalyticsPlan) => Promise<AggregateReading>): AnalyticsEngine {
  return {
    async compute(plan, now) {
      const { aggregates, generation } = await read(plan);
      return { body: assembleAnalyticsPayload(aggregates, now), generation };
    },
  };
}
