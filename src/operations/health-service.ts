import type { DatabaseHandle } from '../db/database.js';
import { pingDatabase } from '../db/database.js';

/** What `GET /health` shows: the database's reachability and what the analytics engine is doing. */
export type HealthReport =
  | { readonly status: 'ok'; readonly database: 'up'; readonly analytics_engine: object }
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

/**
 * Healthy while the database answers a trivial query. The engine's status is shown, never
 * fatal: the SQL engine answers while the memory engine loads.
 */
export function createHealthService(database: DatabaseHandle, engineStatus: () => object): HealthService {
  return {
    async check() {
      try {
        await pingDatabase(database.db);
        return { healthy: true, report: { status: 'ok', database: 'up', analytics_engine: engineStatus() }, problem: null };
      } catch (error) {
        return {
          healthy: false,
          report: { status: 'unavailable', database: 'down' },
          problem: error instanceof Error ? error.message : String(error),
        };
      }
    },
  };
}
