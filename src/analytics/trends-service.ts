import { payloadMetaOf } from '../domain/analytics-payload.js';
import { todayInZone } from '../domain/presets.js';
import { assembleTrends, planTrends, type TrendQuery, type TrendsPayload } from '../domain/trends.js';
import type { TrendEngine } from '../engine/trend-engine.js';


/**
 * `GET /prospects/client-analytics/trends` (SPEC §11): the request planned in CRM_TIMEZONE (a range
 * without dates ends today there), the engine's aggregates assembled into the series, `meta` as in
 * SPEC §5. Always computed live: a series over one bucket layout is cheap for the memory engine,
 * and the snapshots of SPEC §6 are keyed for the dashboard payload alone.
 */
export interface TrendsService {
  /** Throws TooManyTrendBucketsError (src/domain/trend-buckets.ts) for a range of too many buckets. */
  query(query: TrendQuery): Promise<TrendsPayload>;
}

export interface TrendsServiceDependencies {
  readonly engine: TrendEngine;
  readonly clock: () => number;
  readonly timeZone: string;
}

export function createTrendsService({ engine, clock, timeZone }: TrendsServiceDependencies): TrendsService {
  return {
    async query(query) {
      const computedAt = clock();
      const { aggregates, generation } = await engine.trends(planTrends(query, timeZone, todayInZone(computedAt, timeZone)));
      return { ...assembleTrends(query.interval, aggregates), meta: payloadMetaOf('live', computedAt, generation) };
    },
  };
}
