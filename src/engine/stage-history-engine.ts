import type { LeadFilter } from '../domain/analytics-plan.js';
import type { DataGeneration } from '../domain/data-generation.js';
import type { PipelineStage, StageHistoryAggregates } from '../domain/stage-history.js';

export interface StageHistoryResult {
  readonly aggregates: StageHistoryAggregates;
  /** The sync run the figures reflect; null before the first successful sync. */
  readonly generation: DataGeneration | null;
}

/**
 * SPEC §12's figures over the leads a filter selects, at the instant `now` (which the current
 * visits' ages count to). `stages` are the `crm_stages` rows: their positions decide "advanced".
 * The SQL engine (./sql/sql-stage-history.ts) and the memory engine
 * (./memory/memory-stage-history.ts) give the same aggregates; src/domain/stage-history.ts
 * assembles the response from them.
 */
export interface StageHistoryEngine {
  stageHistory(filter: LeadFilter, stages: readonly PipelineStage[], now: number): Promise<StageHistoryResult>;
}
