import type { Kysely } from 'kysely';
import type { Database, DbDateTime } from '../db/schema.js';
import type { AnalyticsBody } from '../domain/analytics-payload.js';
import type { AnalyticsPlan } from '../domain/analytics-plan.js';
import type { DataGeneration } from '../domain/data-generation.js';

export interface EngineResult {
  /** The payload without `meta`: the service adds it (source, computed_at, data_as_of). */
  readonly body: AnalyticsBody;
  /** The sync run the body reflects; null before the first successful sync. */
  readonly generation: DataGeneration | null;
}

/**
 * Computes the analytics payload of a plan at the instant `now` (which `age_days` counts to).
 *
 * Every engine produces `AnalyticsAggregates` (counts and sums per group, see
 * src/domain/analytics-aggregates.ts) and hands them to `assembleAnalyticsPayload`, which holds
 * every rounding, sorting and labelling rule, so the SQL engine (./sql/) and the memory engine
 * (./memory/) give byte-identical payloads for the same leads.
 */
export interface AnalyticsEngine {
  /**
   * `latest` is the latest successful sync when the caller has just read it (the analytics service
   * does for cacheable requests), so the engine need not read it again; undefined: not known.
   */
  compute(plan: AnalyticsPlan, now: number, latest?: DataGeneration | null): Promise<EngineResult>;
}

/**
 * What engines read of `crm_analytics_sync_log`, which the sync owns (src/sync/sync-log.ts): the
 * composition root hands its reads to the engines, which run them on their own read snapshot.
 */
export interface SyncLogReads {
  /** The latest successful run; null before the first one. */
  latestGeneration(db: Kysely<Database>): Promise<DataGeneration | null>;
  /** A run's `started_at` as logged (what it wrote as `synced_at` on its rows); null when unknown. */
  runStartedAt(db: Kysely<Database>, runId: number): Promise<DbDateTime | null>;
}
