import type { AppConfig } from '../config/config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { createPipelineStageCatalog, type PipelineStageCatalog } from '../engine/sql/pipeline-stage-catalog.js';
import { createSqlAnalyticsEngine } from '../engine/sql/sql-analytics-engine.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { createAnalyticsService, type AnalyticsService } from '../snapshots/analytics-service.js';
import { createSnapshotRepository } from '../snapshots/snapshot-repository.js';

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
  /** The analytics payload: snapshots for presets, live for the rest (SPEC §5–6). */
  readonly analytics: AnalyticsService;
  /** Names of `crm_stages`, cached briefly, for the `stage` parameter. */
  readonly pipelineStages: PipelineStageCatalog;
  /** Stops background work and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

export interface ApplicationOverrides {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly database?: DatabaseHandle;
}

export function createApplication(config: AppConfig, overrides: ApplicationOverrides = {}): Application {
  const database =
    overrides.database ?? openDatabase(config.database.location, { poolSize: config.database.poolSize });
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? Date.now;
  const analytics = createAnalyticsService({
    db: database.db,
    engine: createSqlAnalyticsEngine(database.db),
    snapshots: createSnapshotRepository(database.db, database.dialect),
    clock,
    timeZone: config.timezone,
    logger,
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    database,
    logger,
    clock,
    analytics,
    pipelineStages: createPipelineStageCatalog(database.db),
    close: () => (closing ??= database.close()),
  };
}
