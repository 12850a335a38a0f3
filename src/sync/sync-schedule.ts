import { Cron } from 'croner';
import type { Logger } from '../logging/logger.js';
import type { SyncService } from './sync-service.js';

export interface SyncSchedule {
  /** When the next run is due; null once stopped. */
  nextRun(): Date | null;
  stop(): void;
}

export interface SyncScheduleOptions {
  /** SYNC_CRON, already validated by the configuration. */
  readonly cron: string;
  /** CRM_TIMEZONE: `0 3 * * *` is 03:00 where the sales team works. */
  readonly timezone: string;
  readonly logger: Logger;
}

/**
 * The in-process schedule of SYNC_CRON. A tick that finds a run in progress (here or in another
 * process) is skipped by the sync's own lock; a failed run is logged by the sync and the schedule
 * goes on.
 */
export function startSyncSchedule(sync: SyncService, options: SyncScheduleOptions): SyncSchedule {
  const { logger } = options;
  const job = new Cron(options.cron, { timezone: options.timezone, protect: true, name: 'crm-analytics-sync' }, async () => {
    try {
      await sync.run();
    } catch {
      // Already logged (and recorded as a failed run) by the sync service.
    }
  });
  logger.info({ cron: options.cron, timezone: options.timezone, nextRun: job.nextRun()?.toISOString() }, 'sync schedule started');
  return {
    nextRun: () => job.nextRun(),
    stop: () => job.stop(),
  };
}
