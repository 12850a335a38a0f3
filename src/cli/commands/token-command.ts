import type { Command } from 'commander';
import { CRM_MENU_PERMISSION, DEFAULT_ADMIN_TTL_SECONDS, issueAdminToken, issueCronToken, parseDuration } from '../../auth/tokens.js';
import { loadConfig } from '../../config/config.js';
import { say } from '../cli-context.js';

/** Tokens go to stdout alone, so `TOKEN=$(crm-analytics token admin)` works; the rest to stderr. */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('issue a signed token');

  token
    .command('admin')
    .description('an admin token for the analytics API (token_admin)')
    .option('--sub <id>', 'subject (user id)', 'admin')
    .option('--permissions <list>', 'comma-separated permissions', CRM_MENU_PERMISSION)
    .option('--ttl <duration>', 'lifetime, e.g. 45m, 8h, 30d', `${DEFAULT_ADMIN_TTL_SECONDS / 3600}h`)
    .action((options: { sub: string; permissions: string; ttl: string }) => {
      const config = loadConfig();
      const permissions = options.permissions.split(',').map((entry) => entry.trim()).filter(Boolean);
      const ttlSeconds = parseDuration(options.ttl);
      process.stdout.write(`${issueAdminToken(config.auth.jwtSecret, { sub: options.sub, permissions, ttlSeconds })}\n`);
      say(`admin token for "${options.sub}" with [${permissions.join(', ')}], valid ${options.ttl}`);
    });

  token
    .command('cron')
    .description('a cron token for POST /crm/analytics/sync (token_cron)')
    .option('--sub <id>', 'subject (the scheduler)', 'cron')
    .option('--ttl <duration>', 'lifetime, e.g. 30d (default: does not expire)')
    .action((options: { sub: string; ttl?: string }) => {
      const config = loadConfig();
      const ttlSeconds = options.ttl === undefined ? undefined : parseDuration(options.ttl);
      process.stdout.write(
        `${issueCronToken(config.auth.cronJwtSecret, { sub: options.sub, ...(ttlSeconds ? { ttlSeconds } : {}) })}\n`,
      );
      say(`cron token for "${options.sub}"${options.ttl ? `, valid ${options.ttl}` : ', no expiry'}`);
    });
}
