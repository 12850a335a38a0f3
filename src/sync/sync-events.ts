import type { LeadKey } from '../domain/lead.js';

/** What a successful sync run tells the listeners that keep derived data in step (snapshots, engines). */
export interface SyncCompletedEvent {
  /** The `crm_analytics_sync_log.id` of the run: the generation of the data it left. */
  readonly runId: number;
  /** The watermark the run logged (`started_at − SYNC_LOOKBACK_SECONDS`), UTC `YYYY-MM-DD HH:MM:SS[.SSS]`. */
  readonly watermark: string;
  /** The run rebuilt every lead: treat everything as changed. The key lists may then be empty. */
  readonly fullBuild: boolean;
  /** Rows the run deleted because their record no longer qualifies or no longer exists. */
  readonly deletedKeys: readonly LeadKey[];
}

/** Runs after a successful run, while the sync lock is still held; its failure is logged, never fatal. */
export type SyncListener = (event: SyncCompletedEvent) => void | Promise<void>;

export interface SyncCounts {
  readonly dirtyCount: number;
  readonly rollingCount: number;
  readonly upsertedCount: number;
  readonly deletedCount: number;
}

export type SyncResult =
  | { readonly skipped: true }
  | (SyncCounts & {
      readonly skipped: false;
      readonly runId: number;
      readonly fullBuild: boolean;
      readonly watermark: string;
      readonly durationMs: number;
    });

/**
 * How a call of `SyncService.run` ended, for metrics: `ok` and `failed` runs of this process (with
 * their duration), `skipped` calls that found a run in progress here or elsewhere.
 */
export type SyncRunOutcome =
  | { readonly status: 'ok' | 'failed'; readonly durationSeconds: number }
  | { readonly status: 'skipped' };

/** Told of every outcome after the run has ended; synchronous and never able to change it. */
export type SyncOutcomeListener = (outcome: SyncRunOutcome) => void;
