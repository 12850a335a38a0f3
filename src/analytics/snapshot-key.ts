import { createHash } from 'node:crypto';
import { snapshotKeySource, type AnalyticsQuery } from '../domain/analytics-query.js';

/**
 * The snapshot cache key of SPEC §6: lowercase hex MD5 of `startDate|endDate|localeIds`
 * (normalisation in src/domain/analytics-query.ts). MD5 names a cache entry here; it guards nothing.
 */
export function snapshotCacheKey(query: Pick<AnalyticsQuery, 'dateRange' | 'localeIds'>): string {
  return createHash('md5').update(snapshotKeySource(query), 'utf8').digest('hex');
}
