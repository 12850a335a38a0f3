import { createAnalyticsService, type AnalyticsService } from '../analytics/analytics-service.js';
import { createStageHistoryService, type StageHistoryService } from '../analytics/stage-history-service.js';
import { rebuildCrmAnalyticsSnapshots } from '../analytics/rebuild-snapshots-job.js';
import { createTrendsService, type TrendsService } from '../analytics/trends-service.js';
import { createSnapshotRepository } from '../analytics/snapshot-repository.js';
import type { AppConfig } from '../config/config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { MemoryAnalyticsEngine } from '../engine/memory/memory-analytics-engine.js';
import { createMemoryStageHistoryEngine } from '../engine/memory/memory-stage-history-engine.js';
import { createSqlAnalyticsEngine } from '../engine/sql/sql-analytics-engine.js';
import { createMemoryTrendEngine } from '../engine/memory/memory-trends.js';
import { createSqlTrendEngine } from '../engine/sql/sql-trends.js';
import { createMemoryLeadList } from '../engine/memory/memory-lead-list.js';
import { createSqlLeadList } from '../engine/sql/sql-lead-list.js';
import { createLeadCursorCodec } from '../lead-list/lead-cursor-codec.js';
import { createLeadListService, type LeadListService } from '../lead-list/lead-list-service.js';
import { createSqlStageHistoryEngine } from '../engine/sql/sql-stage-history.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { createHealthService, type HealthService } from '../operations/health-service.js';
import { OperationsMetrics } from '../operations/metrics.js';
import { createSyncStatusService, type SyncStatusService } from '../operations/sync-status-service.js';
import { createReferenceService, type ReferenceService } from '../reference/reference-service.js';
import { createLatestGenerationReader } from '../sync/latest-generation-reader.js';
import { syncLog } from '../sync/sync-log.js';
import { SyncService, type SyncTestHooks } from '../sync/sync-service.js';

/** Milliseconds since the epoch; injected so tests can fix "now". */
export type Clock = () => number;

/**
 * The composition root: configuration, the database and the services built on them. The CLI and
 * the HTTP server both start from one of these; tests build one per database. Each service owns
 * its tables (docs/architecture.md); this is the one place that wires them together.
 */
export interface Application {
  readonly config: AppConfig;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The analytics payload: snapshots for presets, live for the rest (SPEC §5–6). */
  readonly analytics: AnalyticsService;
  /** Every KPI as a day, week or month series (SPEC §11). */
  readonly trends: TrendsService;
  /** The leads behind a number, paged or as CSV (SPEC §10). */
  readonly leadList: LeadListService;
  /** Stage history (SPEC §12): time in stage, conversion and flows, always live. */
  readonly stageHistory: StageHistoryService;
  /** The CRM's reference tables: stage names for the `stage` parameter, the dashboard's filter options. */
  readonly reference: ReferenceService;
  /** The incremental sync of crm_analytics_leads; `sync.onCompleted` tells listeners of each successful run. */
  readonly sync: SyncService;
  /** The in-memory engine when ANALYTICS_ENGINE=memory (its status shows on /health); null with sql. */
  readonly memoryEngine: MemoryAnalyticsEngine | null;
  /** What `GET /health` reports. */
  readonly health: HealthService;
  /** The sync log seen from outside: `GET /crm/analytics/sync/status`, staleness (docs/operations.md). */
  readonly syncStatus: SyncStatusService;
  /** The Prometheus metrics of this process (`GET /metrics`, SPEC §13). */
  readonly metrics: OperationsMetrics;
  /**
   * Starts what a serving process keeps doing in the background: the memory engine's load and its
   * poll for syncs run elsewhere. One-shot commands (sync, snapshots rebuild) do without.
   */
  startBackgroundWork(): void;
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
  // The SQL engines read through `longReads`: on SQLite a worker thread's connection, so an
  // answer over the whole table (seconds at a million leads) never holds the event loop.
  const sqlEngine = createSqlAnalyticsEngine(database.longReads, syncLog);
  const generations = createLatestGenerationReader(database);
  const syncStatus = createSyncStatusService(database, clock);
  const sync = new SyncService({
    database,
    settings: config.sync,
    logger,
    ...(overrides.syncTestHooks ? { testHooks: overrides.syncTestHooks } : {}),
  });
  const memoryEngine =
    config.analytics.engine === 'memory'
      ? new MemoryAnalyticsEngine({
          database,
          fallback: sqlEngine,
          logger,
          pollMs: config.analytics.pollMs,
          generations,
          syncLog,
          ownRunInProgress: () => sync.currentRun,
        })
      : null;
  const metrics = new OperationsMetrics({ syncStatus, engineStatus: () => memoryEngine?.status() ?? null });
  const analytics = createAnalyticsService({
    generations,
    engine: memoryEngine ?? sqlEngine,
    snapshots: createSnapshotRepository(database.db, database.dialect),
    clock,
    timeZone: config.timezone,
    logger,
    onSnapshotLookup: (result) => metrics.recordSnapshotLookup(result),
  });
  const sqlTrends = createSqlTrendEngine(database.longReads, syncLog);
  const trends = createTrendsService({
    engine: memoryEngine ? createMemoryTrendEngine(memoryEngine, sqlTrends) : sqlTrends,
    clock,
    timeZone: config.timezone,
  });
  const sqlLeadList = createSqlLeadList(database.longReads, database.dialect.schema, syncLog);
  const leadList = createLeadListService({
    engine: memoryEngine ? createMemoryLeadList(memoryEngine, sqlLeadList) : sqlLeadList,
    // Cursors are signed with a key derived from JWT_SECRET, which every API instance shares.
    cursors: createLeadCursorCodec(config.auth.jwtSecret),
    clock,
    timeZone: config.timezone,
  });
  const reference = createReferenceService(database.db, { timezone: config.timezone, staleAfterSeconds: config.sync.staleAfterSeconds });
  const sqlStageHistory = createSqlStageHistoryEngine(database.longReads, database.dialect.statements, syncLog);
  const stageHistory = createStageHistoryService({
    engine: memoryEngine ? createMemoryStageHistoryEngine(memoryEngine, sqlStageHistory) : sqlStageHistory,
    pipelineStages: () => reference.stageRows(),
    clock,
    timeZone: config.timezone,
  });
  sync.onOutcome((outcome) => metrics.recordSyncOutcome(outcome));
  let backgroundStarted = false;
  // The memory engine catches up first, so the snapshots below are computed from the new data.
  sync.onCompleted(async (event) => {
    await memoryEngine?.refreshAfterSync(event.deletedKeys);
  });
  // Stage history's unfiltered answer, the dashboard's first question, computed once on the new
  // store and kept (docs/stage-history.md); only where a memory store serves (never through SQL).
  sync.onCompleted(async () => {
    if (memoryEngine?.currentStore() != null) await stageHistory.stageHistory({});
  });
  // SPEC §6: the preset snapshots are rebuilt after every successful sync, in run order.
  sync.onCompleted(async () => {
    await rebuildCrmAnalyticsSnapshots(analytics);
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    database,
    logger,
    clock,
    analytics,
    trends,
    leadList,
    stageHistory,
    reference,
    sync,
    memoryEngine,
    health: createHealthService({
      database,
      engineStatus: () => (memoryEngine ? { kind: 'memory', ...memoryEngine.status() } : { kind: 'sql' }),
      syncStatus,
      staleAfterSeconds: config.sync.staleAfterSeconds,
    }),
    syncStatus,
    metrics,
    startBackgroundWork() {
      if (backgroundStarted) return;
      backgroundStarted = true;
      memoryEngine?.start();
    },
    // A run in progress finishes (and releases its lock) before the pools close.
    close: () =>
      (closing ??= sync
        .whenIdle()
        .then(() => memoryEngine?.close())
        .then(() => database.close())),
  };
}
