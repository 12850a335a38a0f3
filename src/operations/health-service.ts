import type { DatabaseHandle } from '../db/database.js';
import { pingDatabase } from '../db/database.js';
import type { SyncStatusService } from './sync-status-service.js';

/**
 * What `GET /health` shows: the database's reachability, what the analytics engine is doing, and
 * whether the data is stale (docs/operations.md).
 */
export type HealthReport =
  | {
      readonly status: 'ok';
      readonly database: 'up';
      /** The latest successful sync started more than SYNC_STALE_AFTER_SECONDS ago, or there is none. */
      readonly stale: boolean;
      /** Now − `started_at` of the latest successful sync, in seconds; null before the first. */
      readonly data_age_seconds: number | null;
      /** `finished_at` of the latest successful sync (ISO-8601 UTC); null before the first. */
      readonly last_sync_ok_at: string | null;
      readonly stale_after_seconds: number;
      readonly analytics_engine: object;
    }
  | { readonly status: 'unavailable'; readonly database: 'down' };

export interface HealthCheck {
  readonly healthy: boolean;
  readonly report: HealthReport;
  /** Why the database did not answer (for the log, never the body). */
  readonly problem: string | null;
}

export interface HealthService {
  check(): Promise<HealthCheck>;
}

export interface HealthServiceOptions {
  readonly database: DatabaseHandle;
  readonly engineStatus: () => object;
  readonly syncStatus: SyncStatusService;
  /** SYNC_STALE_AFTER_SECONDS. */
  readonly staleAfterSeconds: number;
}

/**
 * Healthy while the database answers a trivial query. The engine's status is shown, never
 * fatal: the SQL engine answers while the memory engine loads. Stale data is reported, never
 * fatal either: a load balancer keeps a process that serves old data rather than none.
 */
export function createHealthService(options: HealthServiceOptions): HealthService {
  const { database, engineStatus, syncStatus, staleAfterSeconds } = options;
  return {
    async check() {
      try {
        await pingDatabase(database.db);
      } catch (error) {
        return {
          healthy: false,
          report: { status: 'unavailable', database: 'down' },
          problem: error instanceof Error ? error.message : String(error),
        };
      }
      // A log that cannot be read (not migrated yet) counts as no successful sync.
      const { latestOk, lagSeconds } = await syncStatus.freshness().catch(() => ({ latestOk: null, lagSeconds: null }));
      return {
        healthy: true,
        report: {
          status: 'ok',
          database: 'up',
          stale: lagSeconds === null || lagSeconds > staleAfterSeconds,
          data_age_seconds: lagSeconds,
          last_sync_ok_at: latestOk?.finished_at ?? null,
          stale_after_seconds: staleAfterSeconds,
          analytics_engine: engineStatus(),
        },
        problem: null,
      };
    },
  };
}
