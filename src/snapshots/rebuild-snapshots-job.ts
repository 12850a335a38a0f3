import type { Application } from '../app/application.js';
import type { SnapshotRebuildReport } from './analytics-service.js';

/**
 * The job of SPEC §6 (`rebuildCrmAnalyticsSnapshots`): builds the last30, 1m, 3m and 6m snapshots
 * with no localeIds for the latest successful sync run, and drops snapshots of older runs. Run it
 * after every successful sync (`sync.onCompleted(() => rebuildCrmAnalyticsSnapshots(app))`) and
 * from `crm-analytics snapshots rebuild`. Before the first successful sync it builds nothing.
 */
export function rebuildCrmAnalyticsSnapshots(app: Pick<Application, 'analytics'>): Promise<SnapshotRebuildReport> {
  return app.analytics.rebuildPresetSnapshots();
}
