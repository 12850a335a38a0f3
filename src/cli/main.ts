import { Command, CommanderError } from 'commander';
import { registerMigrateCommand } from './commands/migrate-command.js';
import { registerSeedCommand } from './commands/seed-command.js';
import { registerServeCommands } from './commands/serve-command.js';
import { registerSnapshotsCommand } from './commands/snapshots-command.js';
import { registerSyncCommand } from './commands/sync-command.js';
import { registerTokenCommand } from './commands/token-command.js';

export function buildProgram(): Command {
  const program = new Command('crm-analytics')
    .description('CRM Analytics: incremental sync, analytics API and dashboard for a CRM sales team')
    .showHelpAfterError()
    .exitOverride();
  registerServeCommands(program);
  registerMigrateCommand(program);
  registerSeedCommand(program);
  registerSnapshotsCommand(program);
  registerSyncCommand(program);
  registerTokenCommand(program);
  return program;
}

/** Runs the command line; any failure is one line on stderr and a non-zero exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (or help); keep its exit code.
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`crm-analytics: ${message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
