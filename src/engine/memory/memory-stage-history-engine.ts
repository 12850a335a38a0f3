import type { StageHistoryEngine, StageHistoryResult } from '../stage-history-engine.js';
import type { MemoryAnalyticsEngine } from './memory-analytics-engine.js';
import { stageHistoryOfStore } from './memory-stage-history.js';

/**
 * Stage history (SPEC §12) from the memory engine's store and the visits loaded beside it, under
 * the engine's serving rule (MemoryAnalyticsEngine.answer): the store of the latest successful
 * sync answers, otherwise `fallback` (the SQL engine) does while a refresh catches up.
 */
export function createMemoryStageHistoryEngine(engine: MemoryAnalyticsEngine, fallback: StageHistoryEngine): StageHistoryEngine {
  return {
    async stageHistory(filter, stages, now) {
      // Null: no store to answer from (or one without visits); the SQL engine answers then.
      const answer = await engine.answer<StageHistoryResult | null>(
        undefined,
        (store) => {
          const visits = engine.visitsOf(store);
          return visits === undefined ? null : { aggregates: stageHistoryOfStore(store, visits, filter, stages, now), generation: store.generation };
        },
        () => Promise.resolve(null),
      );
      return answer ?? fallback.stageHistory(filter, stages, now);
    },
  };
}
