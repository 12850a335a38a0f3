import type { Command } from 'commander';
import { redactDatabaseUrl } from '../../db/database-url.js';
import { migrateToLatest, type MigrationReport } from '../../db/migrations/migrate.js';
import { say, withApplication } from '../cli-context.js';

export function describeMigrations(reports: readonly MigrationReport[]): string[] {
  return reports.map(({ set, applied }) =>
    applied.length === 0 ? `${set} schema: already up to date` : `${set} schema: applied ${applied.join(', ')}`,
  );
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description("create or update the service's tables (crm_analytics_*)")
    .option('--source-schema', "also create the CRM's source tables (demo and tests)", false)
    .action(async (options: { sourceSchema: boolean }) => {
      await withApplication(async (app) => {
        say(`migrating ${app.database.dialect.name} database ${redactDatabaseUrl(app.config.database.location.url)}`);
        const reports = await migrateToLatest(app.database, { sourceSchema: options.sourceSchema });
        for (const line of describeMigrations(reports)) say(line);
      });
    });
}
