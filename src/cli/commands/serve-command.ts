import type { Command } from 'commander';
import type { Application } from '../../app/application.js';
import { issueAdminToken } from '../../auth/tokens.js';
import { loadConfig } from '../../config/config.js';
import { managesSourceSchema, migrateToLatest } from '../../db/migrations/migrate.js';
import { isCrmEmpty } from '../../demo/seed-demo-crm.js';
import { createServer } from '../../http/server.js';
import { createApplication } from '../../app/application.js';
import { startSyncSchedule } from '../../sync/sync-schedule.js';
import { say } from '../cli-context.js';
import { describeMigrations } from './migrate-command.js';
import { DEFAULT_SEED, DEFAULT_SEED_LEADS, seedCommand } from './seed-command.js';
import { syncCommand } from './sync-command.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Listens (and runs the SYNC_CRON schedule, when set) until SIGINT/SIGTERM, then stops the
 * schedule, finishes in-flight requests and closes the database.
 */
async function serveUntilSignalled(app: Application): Promise<string> {
  const server = await createServer(app);
  await server.start();
  app.startBackgroundWork();
  const { cron } = app.config.sync;
  const schedule = cron === null ? null : startSyncSchedule(app.sync, { cron, timezone: app.config.timezone, logger: app.logger });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    schedule?.stop();
    void server
      .stop({ timeout: SHUTDOWN_TIMEOUT_MS })
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          app.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server.info.uri.replace('0.0.0.0', '127.0.0.1');
}

/**
 * `npm start`: on the embedded default database, creates the schema and a demo CRM the first time;
 * then runs a sync (a full build the first time, quick afterwards) so the dashboard has data, serves
 * and prints where to look and a ready admin token. Against a configured database it only brings the
 * service's own tables up to date before the sync.
 */
export async function startDemo(app: Application): Promise<void> {
  const embedded = app.config.database.isEmbeddedDefault;
  const sourceSchema = embedded && (await managesSourceSchema(app.database));
  for (const line of describeMigrations(await migrateToLatest(app.database, { sourceSchema }))) say(line);
  if (embedded && (await isCrmEmpty(app.database))) {
    say(`first start: generating a demo CRM of ${DEFAULT_SEED_LEADS.toLocaleString('en-US')} leads`);
    await seedCommand(app, { leads: DEFAULT_SEED_LEADS, seed: DEFAULT_SEED });
  }
  try {
    await syncCommand(app);
  } catch (error) {
    // The run is logged `failed`; the server still starts, and the next sync may succeed.
    say(`sync failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const url = await serveUntilSignalled(app);
  const token = issueAdminToken(app.config.auth.jwtSecret, { sub: 'demo-admin' });
  say('');
  say(`CRM Analytics is listening on ${url}`);
  say(`  dashboard : ${url}/#token=${token}`);
  say(`  API       : curl -H "Authorization: Bearer ${token}" ${url}/prospects/client-analytics`);
  say(`  health    : ${url}/health`);
  say('  (the admin token is valid for 8 hours; `npx crm-analytics token admin` issues another)');
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('serve the API (and the dashboard) on HOST:PORT')
    .action(async () => {
      const app = createApplication(loadConfig());
      const url = await serveUntilSignalled(app);
      app.logger.info({ url }, 'listening');
      say(`CRM Analytics is listening on ${url}`);
    });

  program
    .command('start')
    .description('npm start: prepare the embedded demo on first run, then serve')
    .action(async () => {
      await startDemo(createApplication(loadConfig()));
    });
}
