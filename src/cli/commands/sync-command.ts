import type { Command } from 'commander';
import type { Application } from '../../app/application.js';
import type { SyncResult } from '../../sync/sync-events.js';
import { say, withApplication } from '../cli-context.js';
import { createProgressReporter, type ProgressReporter } from '../progress.js';

const count = (value: number) => value.toLocaleString('en-US');

/** One line saying what a run did, for people. */
export function describeSyncResult(result: SyncResult): string {
  if (result.skipped) return 'sync skipped: another sync is running';
  const seconds = `${(result.durationMs / 1000).toFixed(1)} s`;
  const what = result.fullBuild
    ? `full build of ${count(result.dirtyCount)} records`
    : `${count(result.dirtyCount)} dirty + ${count(result.rollingCount)} rolling`;
  return (
    `sync run ${result.runId}: ${what}, ${count(result.upsertedCount)} leads upserted, ` +
    `${count(result.deletedCount)} deleted in ${seconds}; watermark ${result.watermark}`
  );
}

/** Runs one sync, with a progress bar when it is a full build, and says what it did. */
export async function syncCommand(app: Application): Promise<SyncResult> {
  let progress: ProgressReporter | undefined;
  const result = await app.sync.run({
    onProgress: ({ done, total }) => {
      progress ??= createProgressReporter('building leads (first sync)', total);
      progress.update(done);
    },
  });
  progress?.finish();
  say(describeSyncResult(result));
  return result;
}

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('run one incremental sync of crm_analytics_leads (the first one builds every lead)')
    .action(async () => {
      await withApplication(async (app) => {
        await syncCommand(app);
      });
    });
}
