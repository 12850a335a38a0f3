import { payloadMetaOf } from '../domain/analytics-payload.js';
import { planAnalytics } from '../domain/analytics-plan.js';
import type { AnalyticsQuery } from '../domain/analytics-query.js';
import { assembleStageHistory, type PipelineStage, type StageHistoryPayload } from '../domain/stage-history.js';
import type { StageHistoryEngine } from '../engine/stage-history-engine.js';

export interface StageHistoryService {
  stageHistory(query: AnalyticsQuery): Promise<StageHistoryPayload>;
}

export interface StageHistoryServiceDependencies {
  readonly engine: StageHistoryEngine;
  /** The `crm_stages` rows, read for each request (a handful of rows; a renamed stage shows at once). */
  readonly pipelineStages: () => Promise<PipelineStage[]>;
  readonly clock: () => number;
  /** CRM_TIMEZONE: the date range is read in it. */
  readonly timeZone: string;
}

/**
 * Stage history, always live: the §4 filters select the leads (the date range on `created_at`),
 * the engine counts their visits, the domain assembles the answer.
 */
export function createStageHistoryService(deps: StageHistoryServiceDependencies): StageHistoryService {
  return {
    async stageHistory(query) {
      const stages = await deps.pipelineStages();
      const now = deps.clock();
      const { aggregates, generation } = await deps.engine.stageHistory(planAnalytics(query, deps.timeZone).current, stages, now);
      return { ...assembleStageHistory(stages, aggregates), meta: payloadMetaOf('live', now, generation) };
    },
  };
}
