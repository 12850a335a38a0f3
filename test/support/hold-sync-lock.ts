/**
 * A separate process that takes the sync lock and keeps it until it is killed: tests use it to
 * show that the lock works across processes and dies with its holder. Prints `held` once it has it.
 *   DATABASE_URL=… node --import tsx test/support/hold-sync-lock.ts
 */
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/database.js';
import { SYNC_LOCK_NAME } from '../../src/sync/sync-service.js';

const url = process.env.DATABASE_URL;
if (url === undefined) throw new Error('DATABASE_URL is required');
const { db, dialect } = openDatabase(parseDatabaseUrl(url), { poolSize: 1 });
const outcome = await dialect.locks.withExclusiveLock(db, SYNC_LOCK_NAME, async () => {
  process.stdout.write('held\n');
  // Until killed: a timer keeps the event loop (and, on SQLite, the lease renewal) alive.
  await new Promise(() => setInterval(() => undefined, 1000));
});
if (!outcome.acquired) process.stdout.write('busy\n');
process.exit(outcome.acquired ? 0 : 1);
