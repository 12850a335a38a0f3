import type { DatabaseHandle } from '../../src/db/database.js';
import type { AnalyticsQuery } from '../../src/domain/analytics-query.js';
import type { RunInProgress } from '../../src/domain/data-generation.js';
import type { AnalyticsEngine } from '../../src/engine/analytics-engine.js';
import { MemoryAnalyticsEngine } from '../../src/engine/memory/memory-analytics-engine.js';
import { createLogger } from '../../src/logging/logger.js';
import { createLatestGenerationReader } from '../../src/sync/latest-generation-reader.js';
import { syncLog } from '../../src/sync/sync-log.js';
import type { ReferenceQuery } from './reference-analytics.js';

/** Stands in for the SQL fallback where the memory engine must answer by itself. */
export const NO_FALLBACK: AnalyticsEngine = {
  compute: () => Promise.reject(new Error('the memory engine fell back to SQL')),
};

/**
 * A memory engine of its own on `database`, wired as an application wires one, for tests that
 * drive it directly: silent, no poll unless `pollMs`, `NO_FALLBACK` unless a fallback is given.
 */
export function memoryEngineOn(
  database: DatabaseHandle,
  options: { readonly fallback?: AnalyticsEngine; readonly pollMs?: number; readonly ownRunInProgress?: () => RunInProgress | null } = {},
): MemoryAnalyticsEngine {
  return new MemoryAnalyticsEngine({
    database,
    fallback: options.fallback ?? NO_FALLBACK,
    logger: createLogger('silent'),
    pollMs: options.pollMs ?? 0,
    generations: createLatestGenerationReader(database),
    syncLog,
    ...(options.ownRunInProgress ? { ownRunInProgress: options.ownRunInProgress } : {}),
  });
}

/** The service's query for a reference query (the naive readings take the parameters as sent). */
export function analyticsQueryOf(query: ReferenceQuery): AnalyticsQuery {
  return {
    ...(query.startDate && query.endDate ? { dateRange: { startDate: query.startDate, endDate: query.endDate } } : {}),
    ...(query.localeIds ? { localeIds: query.localeIds } : {}),
    ...(query.salesman !== undefined ? { salesman: query.salesman } : {}),
    ...(query.tier ? { tiers: query.tier } : {}),
    ...(query.stage !== undefined ? { stage: query.stage } : {}),
    ...(query.product !== undefined ? { product: query.product } : {}),
  };
}
