import type { Command } from 'commander';
import { managesSourceSchema, migrateToLatest } from '../../db/migrations/migrate.js';
import { seedDemoCrm } from '../../demo/seed-demo-crm.js';
import type { Application } from '../../app/application.js';
import { parsePositiveInteger, say, withApplication } from '../cli-context.js';
import { createProgressReporter } from '../progress.js';

export const DEFAULT_SEED_LEADS = 20_000;
export const DEFAULT_SEED = 1;

/** The generator's "now": today's midnight UTC, so a seed gives the same CRM all day long. */
export function defaultSeedAnchor(now: number): number {
  return Math.floor(now / 86_400_000) * 86_400_000;
}

export interface SeedCommandOptions {
  readonly leads: number;
  readonly seed: number;
  readonly now?: number;
}

/** Seeds an empty CRM, creating the source schema first when this service manages it. */
export async function seedCommand(app: Application, options: SeedCommandOptions): Promise<void> {
  if (await managesSourceSchema(app.database)) await migrateToLatest(app.database, { sourceSchema: true });
  const anchor = options.now ?? defaultSeedAnchor(app.clock());
  const progress = createProgressReporter('seeding leads', options.leads);
  const report = await seedDemoCrm(app.database, {
    leads: options.leads,
    seed: options.seed,
    now: anchor,
    onProgress: ({ leadsDone }) => progress.update(leadsDone),
  });
  progress.finish();
  const rowTotal = Object.values(report.rows).reduce((sum, count) => sum + count, 0);
  say(
    `seeded ${report.leads.toLocaleString('en-US')} leads (${rowTotal.toLocaleString('en-US')} rows: ` +
      `${report.rows.companies} companies, ${report.rows.prospection_users} prospects, ` +
      `${report.rows.follow_up_data} follow-ups) with seed ${options.seed} as of ` +
      `${new Date(anchor).toISOString()} in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('fill an empty CRM with a deterministic, believable demo dataset')
    .option('--leads <n>', 'leads to generate', parsePositiveInteger('--leads', 100_000_000), DEFAULT_SEED_LEADS)
    .option('--seed <s>', 'random seed: the same seed gives the same CRM', parsePositiveInteger('--seed', 2 ** 31), DEFAULT_SEED)
    .option('--now <iso>', 'latest instant of the generated history (default: today 00:00 UTC)', (value: string) => {
      const instant = Date.parse(value);
      if (Number.isNaN(instant)) throw new Error(`--now must be an ISO-8601 instant, got "${value}"`);
      return instant;
    })
    .action(async (options: SeedCommandOptions) => {
      await withApplication((app) => seedCommand(app, options));
    });
}
