import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { CreateTableBuilder } from 'kysely';
import { errorCode, type ConnectionOptions, type SqlDialect } from '../../dialect.js';
import { onConflictUpsert } from '../../on-conflict-upsert.js';
import type { Database } from '../../schema.js';

/** `strftime('%f')` gives seconds with milliseconds: the canonical `YYYY-MM-DD HH:MM:SS.SSS`. */
const NOW_UTC_TEXT = sql<string>`strftime('%Y-%m-%d %H:%M:%f', 'now')`;

export function openSqliteFile(path: string): BetterSqlite3.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connection = new BetterSqlite3(path);
  // WAL lets readers (other API processes) work while the sync writes; busy_timeout makes a
  // second writer wait for the lock rather than fail at once.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('busy_timeout = 10000');
  return connection;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  // SQLITE_MAX_VARIABLE_NUMBER of the SQLite that better-sqlite3 12 bundles.
  maxBindParameters: 32766,
  columnTypes: {
    dateTime: 'text',
    date: 'text',
    flag: 'integer',
    largeText: 'text',
  },

  createKysely({ url }: ConnectionOptions): Kysely<Database> {
    return new Kysely<Database>({
      dialect: new SqliteDialect({ database: () => Promise.resolve(openSqliteFile(url)) }),
    });
  },

  addAutoIncrementId<T extends string>(table: CreateTableBuilder<T>) {
    return table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
  },

  currentDateTimeDefault: () => sql`(${NOW_UTC_TEXT})`,
  clock: () => NOW_UTC_TEXT,
  upsert: onConflictUpsert,
  placeholder: () => '?',
  quoteIdentifier: (identifier) => `"${identifier.replaceAll('"', '""')}"`,

  // AUTOINCREMENT keys continue from the greatest id already there.
  syncIdSequence: () => Promise.resolve(),

  async withBulkLoad(db, load) {
    // One connection serves the whole Kysely instance, so these pragmas apply to the load.
    await sql`pragma synchronous = OFF`.execute(db);
    await sql`pragma cache_size = -262144`.execute(db);
    try {
      return await load();
    } finally {
      await sql`pragma synchronous = NORMAL`.execute(db);
      await sql`pragma cache_size = -2000`.execute(db);
    }
  },

  isRetryableError(error) {
    const code = errorCode(error);
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
  },
};
