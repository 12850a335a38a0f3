import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { ConnectionOptions, DialectConnections } from '../../dialect.js';
import type { Database } from '../../schema.js';

/**
 * Page cache per connection, in KiB. SQLite's default (2 MiB) makes nearly every index page of a
 * million-lead table a read from the OS: the sync's upserts into five indexes ran ~35% slower.
 */
const PAGE_CACHE_KIB = 65_536;

export function openSqliteFile(path: string): BetterSqlite3.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connection = new BetterSqlite3(path);
  // WAL lets readers (other API processes) work while the sync writes; busy_timeout makes a
  // second writer wait for the lock rather than fail at once.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('busy_timeout = 10000');
  connection.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  return connection;
}

/** The single connection behind a Kysely instance of this dialect (the change probe reads it). */
export interface PooledConnection {
  connection: BetterSqlite3.Database | null;
  probe: { readonly dataVersion: BetterSqlite3.Statement; readonly totalChanges: BetterSqlite3.Statement } | null;
}
const pooledConnections = new WeakMap<Kysely<Database>, PooledConnection>();

export function pooledConnectionOf(db: Kysely<Database>): PooledConnection | undefined {
  return pooledConnections.get(db);
}

export const sqliteConnections: DialectConnections = {
  createKysely({ url }: ConnectionOptions): Kysely<Database> {
    const pooled: PooledConnection = { connection: null, probe: null };
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({
        database: () => {
          pooled.connection = openSqliteFile(url);
          pooled.probe = null;
          return Promise.resolve(pooled.connection);
        },
      }),
    });
    pooledConnections.set(db, pooled);
    return db;
  },

  async withBulkLoad(db, load) {
    // One connection serves the whole Kysely instance, so these pragmas apply to the load.
    await sql`pragma synchronous = OFF`.execute(db);
    await sql`pragma cache_size = -262144`.execute(db);
    try {
      return await load();
    } finally {
      await sql`pragma synchronous = NORMAL`.execute(db);
      await sql.raw(`pragma cache_size = -${PAGE_CACHE_KIB}`).execute(db);
    }
  },
};
