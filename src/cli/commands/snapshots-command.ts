import type { Command } from 'commander';
import { rebuildCrmAnalyticsSnapshots } from '../../analytics/rebuild-snapshots-job.js';
import { say, withApplication } from '../cli-context.js';

export function registerSnapshotsCommand(program: Command): void {
  const snapshots = program.command('snapshots').description('precomputed analytics payloads (SPEC §6)');

  snapshots
    .command('rebuild')
    .description('build the last30, 1m, 3m and 6m snapshots for the latest successful sync')
    .action(async () => {
      await withApplication(async (app) => {
        const report = await rebuildCrmAnalyticsSnapshots(app.analytics);
        if (report.generation === null) {
          say('no successful sync yet: nothing to build (run `crm-analytics sync` first)');
          return;
        }
        for (const snapshot of report.built) {
          say(
            `built ${snapshot.preset.padEnd(6)} ${snapshot.startDate} … ${snapshot.endDate}  key ${snapshot.cacheKey}  ` +
              `${Math.round(snapshot.durationMs)} ms`,
          );
        }
        say(
          `${report.built.length} snapshots built for sync run ${report.generation}` +
            (report.removed > 0 ? `; ${report.removed} of older runs removed` : ''),
        );
      });
    });
}
