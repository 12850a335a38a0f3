import type { AppConfig } from '../config/config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { SyncService, type SyncTestHooks } from '../sync/sync-service.js';

/** Milliseconds since the epoch; injected so tests can fix "now". */
export type Clock = () => number;

/**
 * The composition root: configuration, the database and the services built on them. The CLI and
 * the HTTP server both start from one of these; tests build one per database.
 */
export interface Application {
  readonly config: AppConfig;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The incremental sync of crm_analytics_leads; `sync.onCompleted` tells listeners of each successful run. */
  readonly sync: SyncService;
  /** Stops background work and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

export interface ApplicationOverrides {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly database?: DatabaseHandle;
  /** The sync's test seam (docs/sync.md): tests make a run fail after a given chunk. */
  readonly syncTestHooks?: SyncTestHooks;
}

export function createApplication(config: AppConfig, overrides: ApplicationOverrides = {}): Application {
  const database =
    overrides.database ?? openDatabase(config.database.location, { poolSize: config.database.poolSize });
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? Date.now;
  const sync = new SyncService({
    database,
    settings: config.sync,
    logger,
    ...(overrides.syncTestHooks ? { testHooks: overrides.syncTestHooks } : {}),
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    database,
    logger,
    clock,
    sync,
    close: () => (closing ??= database.close()),
  };
}
