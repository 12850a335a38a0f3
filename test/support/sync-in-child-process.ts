/**
 * One sync run in a process of its own, for tests that kill it (SIGKILL) part-way. Prints
 * `chunk <index>` after each committed chunk (or full-build range). After chunk HOLD_AFTER_CHUNK
 * it prints `holding` and waits for SIGUSR2 before it goes on, so a test can set up what the next
 * chunk will meet (a row lock) and kill the process at a known point. Prints `done` at the end.
 *   DATABASE_URL=… SYNC_BATCH_SIZE=… HOLD_AFTER_CHUNK=2 node --import tsx test/support/sync-in-child-process.ts
 */
import { createApplication } from '../../src/app/application.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging/logger.js';

const holdAfter = process.env.HOLD_AFTER_CHUNK === undefined ? null : Number(process.env.HOLD_AFTER_CHUNK);
// The sync needs no secrets; these only satisfy the configuration.
const config = loadConfig({ ...process.env, NODE_ENV: 'test', JWT_SECRET: 'child-admin-secret', CRON_JWT_SECRET: 'child-cron-secret' });
const app = createApplication(config, {
  logger: createLogger('silent'),
  syncTestHooks: {
    async afterChunk({ index }) {
      process.stdout.write(`chunk ${index}\n`);
      if (index !== holdAfter) return;
      // A signal handler alone does not keep the event loop alive: a timer does, until resumed.
      const keepAlive = setInterval(() => undefined, 1000);
      const resume = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
      process.stdout.write('holding\n');
      await resume;
      clearInterval(keepAlive);
    },
  },
});
const result = await app.sync.run();
process.stdout.write(result.skipped ? 'skipped\n' : 'done\n');
await app.close();
