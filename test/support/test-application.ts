import { inject } from 'vitest';
import { createApplication, type Application, type Clock } from '../../src/app/application.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { openDatabase } from '../../src/db/database.js';
import type { DialectName } from '../../src/db/dialect.js';
import { migrateToLatest } from '../../src/db/migrations/migrate.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import type { SyncTestHooks } from '../../src/sync/sync-service.js';
import type { DialectTarget } from './dialect-targets.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-databases.js';

export const TEST_JWT_SECRET = 'test-admin-secret-0123456789abcdef0123456789';
export const TEST_CRON_JWT_SECRET = 'test-cron-secret-0123456789abcdef0123456789';

/** The dialects this run covers (decided once by the global setup). */
export function testDialects(): DialectTarget[] {
  return inject('dialectTargets');
}

export function dialectNames(): DialectName[] {
  return testDialects().map((target) => target.dialect);
}

export function testConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    CRON_JWT_SECRET: TEST_CRON_JWT_SECRET,
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export interface TestApplication extends Application {
  readonly scratch: ScratchDatabase;
  /** Closes the application and drops its database. */
  dispose(): Promise<void>;
}

/**
 * An application on a fresh database of the given dialect, with the source and service schemas
 * migrated. One per test file (or per test where isolation matters).
 */
export async function createTestApplication(
  target: DialectTarget,
  options: { env?: Record<string, string>; clock?: Clock; migrate?: boolean; syncTestHooks?: SyncTestHooks; logger?: Logger } = {},
): Promise<TestApplication> {
  const scratch = await createScratchDatabase(target.dialect, target.adminUrl);
  const config = testConfig(scratch.databaseUrl, options.env);
  const database = openDatabase(scratch.location, { poolSize: config.database.poolSize });
  if (options.migrate !== false) await migrateToLatest(database, { sourceSchema: true });
  const app = createApplication(config, {
    database,
    logger: options.logger ?? createLogger('silent'),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.syncTestHooks ? { syncTestHooks: options.syncTestHooks } : {}),
  });
  return {
    ...app,
    scratch,
    dispose: async () => {
      await app.close();
      await scratch.drop();
    },
  };
}
