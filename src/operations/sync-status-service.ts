import type { DatabaseHandle } from '../db/database.js';
import { countLeadRows } from '../sync/leads-table.js';
import { syncLog, type SyncRunRecord } from '../sync/sync-log.js';

/** How many runs `GET /crm/analytics/sync/status` lists (SPEC §13). */
export const SYNC_STATUS_RUNS = 20;

/** The body of `GET /crm/analytics/sync/status` (SPEC §13). */
export interface SyncStatusReport {
  /** The latest `ok` run of any process; null before the first. */
  readonly latest_ok: SyncRunRecord | null;
  /** The latest runs, newest first, whatever their status. */
  readonly runs: readonly SyncRunRecord[];
  /** Now − `started_at` of `latest_ok`, in seconds; null before the first successful run. */
  readonly lag_seconds: number | null;
}

/** What the metrics read of the log at scrape time. */
export interface SyncFreshness {
  readonly latestOk: SyncRunRecord | null;
  /** Now − `started_at` of the latest ok run, in seconds (never negative); null without one. */
  readonly lagSeconds: number | null;
}

export interface SyncStatusService {
  report(): Promise<SyncStatusReport>;
  freshness(): Promise<SyncFreshness>;
  /** Rows of crm_analytics_leads after the latest ok run: counted once per generation. */
  leadsOfLatestGeneration(latestOk: SyncRunRecord | null): Promise<number>;
}

/** Seconds from an ISO instant to `now` (ms), to the millisecond, never negative. */
export function secondsSince(iso: string, now: number): number {
  return Math.max(0, Math.round(now - Date.parse(iso)) / 1000);
}

/**
 * The sync log seen from outside the sync (docs/operations.md): the status route, the staleness
 * of /health and the metrics read it here, through the sync's own reads (src/sync/sync-log.ts).
 */
export function createSyncStatusService(database: DatabaseHandle, clock: () => number): SyncStatusService {
  let counted: { readonly generation: number; readonly leads: number } | null = null;
  const lagOf = (latestOk: SyncRunRecord | null) => (latestOk === null ? null : secondsSince(latestOk.started_at, clock()));
  return {
    async report() {
      const [latestOk, runs] = await Promise.all([syncLog.latestOkRun(database.db), syncLog.latestRuns(database.db, SYNC_STATUS_RUNS)]);
      return { latest_ok: latestOk, runs, lag_seconds: lagOf(latestOk) };
    },
    async freshness() {
      const latestOk = await syncLog.latestOkRun(database.db);
      return { latestOk, lagSeconds: lagOf(latestOk) };
    },
    async leadsOfLatestGeneration(latestOk) {
      if (latestOk === null) return 0;
      if (counted?.generation !== latestOk.id) counted = { generation: latestOk.id, leads: await countLeadRows(database.db) };
      return counted.leads;
    },
  };
}
