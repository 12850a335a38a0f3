import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SyncRunOutcome } from '../sync/sync-events.js';
import type { SyncStatusService } from './sync-status-service.js';

/** What the metrics show of the memory engine (its `status()`), when the process runs one. */
export interface EngineMetricsSource {
  readonly state: string;
  readonly generation: number | null;
  readonly leads: number;
  readonly storeBytes: number;
  readonly loads: number;
  readonly refreshes: number;
  readonly lastLoadMs: number | null;
  readonly lastRefreshMs: number | null;
}

export interface OperationsMetricsOptions {
  readonly syncStatus: SyncStatusService;
  /** The memory engine's status; null when ANALYTICS_ENGINE=sql. */
  readonly engineStatus: () => EngineMetricsSource | null;
}

/** The route label of a request that matched no route of the server. */
export const UNMATCHED_ROUTE = 'not_found';

export const SYNC_RUN_STATUSES = ['ok', 'failed', 'skipped'] as const;
export const SNAPSHOT_RESULTS = ['hit', 'miss'] as const;

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SYNC_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/**
 * The Prometheus metrics of one process (SPEC §13, docs/operations.md), in a registry of its own.
 * Counters and histograms are fed as things happen (HTTP requests, sync outcomes, snapshot
 * lookups); what the database knows (the latest successful sync of any process, the leads of its
 * generation) is read at scrape time. Node's process metrics (event-loop delay included) start
 * with the first scrape.
 */
export class OperationsMetrics {
  readonly registry = new Registry();
  readonly #options: OperationsMetricsOptions;
  #defaultsStarted = false;

  readonly #syncRuns = new Counter({
    name: 'crm_analytics_sync_runs_total',
    help: 'Sync calls of this process by outcome: ok, failed, or skipped (a run was in progress here or elsewhere).',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly #syncDuration = new Histogram({
    name: 'crm_analytics_sync_duration_seconds',
    help: 'Duration of the sync runs of this process (ok and failed), listeners included.',
    buckets: SYNC_BUCKETS,
    registers: [this.registry],
  });
  readonly #lastSuccess = new Gauge({
    name: 'crm_analytics_last_sync_success_timestamp_seconds',
    help: 'finished_at of the latest ok sync run of any process (Unix seconds); 0 before the first.',
    registers: [this.registry],
  });
  readonly #dataLag = new Gauge({
    name: 'crm_analytics_data_lag_seconds',
    help: 'Now minus started_at of the latest ok sync run of any process; +Inf before the first.',
    registers: [this.registry],
  });
  readonly #leads = new Gauge({
    name: 'crm_analytics_leads',
    help: 'Rows of crm_analytics_leads of the latest generation (after the latest ok sync run).',
    registers: [this.registry],
  });
  readonly #httpRequests = new Counter({
    name: 'crm_analytics_http_requests_total',
    help: "HTTP requests by route (hapi's route path; not_found when none matched) and status code.",
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly #httpDuration = new Histogram({
    name: 'crm_analytics_http_request_duration_seconds',
    help: 'HTTP request duration by route and source (snapshot or live for the analytics routes, none elsewhere).',
    labelNames: ['route', 'source'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  readonly #snapshotRequests = new Counter({
    name: 'crm_analytics_snapshot_requests_total',
    help: 'Cacheable analytics requests: hit (served from a snapshot of the latest generation) or miss (computed live).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor(options: OperationsMetricsOptions) {
    this.#options = options;
    for (const status of SYNC_RUN_STATUSES) this.#syncRuns.inc({ status }, 0);
    for (const result of SNAPSHOT_RESULTS) this.#snapshotRequests.inc({ result }, 0);
    this.#engineGauges();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  recordSyncOutcome(outcome: SyncRunOutcome): void {
    this.#syncRuns.inc({ status: outcome.status });
    if (outcome.status !== 'skipped') this.#syncDuration.observe(outcome.durationSeconds);
  }

  recordHttpRequest(request: { readonly route: string; readonly status: number; readonly source: string; readonly seconds: number }): void {
    this.#httpRequests.inc({ route: request.route, status: String(request.status) });
    this.#httpDuration.observe({ route: request.route, source: request.source }, request.seconds);
  }

  recordSnapshotLookup(result: (typeof SNAPSHOT_RESULTS)[number]): void {
    this.#snapshotRequests.inc({ result });
  }

  /** The exposition text, with what the database knows read now. */
  async render(): Promise<string> {
    if (!this.#defaultsStarted) {
      this.#defaultsStarted = true;
      collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    }
    const { syncStatus } = this.#options;
    const { latestOk, lagSeconds } = await syncStatus.freshness();
    // No successful run yet: "never" and an infinite lag, so that every alert on them fires.
    this.#lastSuccess.set(latestOk?.finished_at ? Date.parse(latestOk.finished_at) / 1000 : 0);
    this.#dataLag.set(lagSeconds ?? Number.POSITIVE_INFINITY);
    // The memory engine holding that generation knows its size; otherwise count (once per generation).
    const engine = this.#options.engineStatus();
    this.#leads.set(
      engine !== null && latestOk !== null && engine.generation === latestOk.id ? engine.leads : await syncStatus.leadsOfLatestGeneration(latestOk),
    );
    return this.registry.metrics();
  }

  #engineGauges(): void {
    const engine = this.#options.engineStatus;
    const gauge = (name: string, help: string, value: (status: EngineMetricsSource) => number | null) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const status = engine();
          const current = status === null ? null : value(status);
          if (current === null) this.reset();
          else this.set(current);
        },
      });
    gauge('crm_analytics_memory_engine_ready', 'Whether the memory engine serves (1) or is loading or failed (0).', (s) => (s.state === 'serving' ? 1 : 0));
    gauge('crm_analytics_memory_engine_generation', 'The sync run whose data the memory engine holds.', (s) => s.generation);
    gauge('crm_analytics_memory_engine_leads', 'Leads held by the memory engine.', (s) => s.leads);
    gauge('crm_analytics_memory_engine_bytes', 'Bytes of the memory engine’s columns.', (s) => s.storeBytes);
    gauge('crm_analytics_memory_engine_loads', 'Full loads of the memory engine since start.', (s) => s.loads);
    gauge('crm_analytics_memory_engine_refreshes', 'Incremental refreshes of the memory engine since start.', (s) => s.refreshes);
    gauge('crm_analytics_memory_engine_load_seconds', 'Duration of the memory engine’s last full load.', (s) => (s.lastLoadMs === null ? null : s.lastLoadMs / 1000));
    gauge('crm_analytics_memory_engine_refresh_seconds', 'Duration of the memory engine’s last refresh.', (s) =>
      s.lastRefreshMs === null ? null : s.lastRefreshMs / 1000,
    );
  }
}
