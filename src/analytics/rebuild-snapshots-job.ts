import type { AnalyticsService, SnapshotRebuildReport } from './analytics-service.js';

/**
 * The job of SPEC §6 (`rebuildCrmAnalyticsSnapshots`): builds the last30, 1m, 3m and 6m snapshots
 * with no localeIds for the latest successful sync run, and drops snapshots of older runs. The
 * application runs it after every successful sync; `crm-analytics snapshots rebuild` runs it on
 * demand. Before the first successful sync it builds nothing.
 */
export function rebuildCrmAnalyticsSnapshots(analytics: AnalyticsService): Promise<SnapshotRebuildReport> {
  return analytics.rebuildPresetSnapshots();
}
