import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Driver, type SqliteDialectConfig } from 'kysely';
import type { ConnectionOptions, DialectConnections } from '../../dialect.js';
import type { Database } from '../../schema.js';
import { startWalCheckpointer } from './sqlite-checkpointer.js';
import { createWorkerKysely } from './sqlite-worker-connection.js';

/**
 * Page cache per connection, in KiB. SQLite's default (2 MiB) makes nearly every index page of a
 * million-lead table a read from the OS: the sync's upserts into five indexes ran ~35% slower.
 */
export const PAGE_CACHE_KIB = 65_536;

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

/** The single connection behind a Kysely instance of this dialect (the change probe reads it), and its file. */
export interface PooledConnection {
  readonly url: string;
  connection: BetterSqlite3.Database | null;
  probe: { readonly dataVersion: BetterSqlite3.Statement; readonly totalChanges: BetterSqlite3.Statement } | null;
  /** Resolves once the WAL checkpointer of a closed connection has stopped (null while none was closed). */
  checkpointerStopped: Promise<void> | null;
}
const pooledConnections = new WeakMap<Kysely<Database>, PooledConnection>();

export function pooledConnectionOf(db: Kysely<Database>): PooledConnection | undefined {
  return pooledConnections.get(db);
}

/**
 * The pool's connection writes (the sync), and SQLite's automatic checkpoint runs inside the
 * commit that crosses 1,000 WAL pages, on the event loop: 80–120 ms per sync chunk at 1,000,000
 * leads. It is turned off for this connection and a worker thread checkpoints instead; should the
 * worker end on its own, the automatic checkpoint comes back.
 */
function checkpointInAWorker(connection: BetterSqlite3.Database, path: string, pooled: PooledConnection): void {
  connection.pragma('wal_autocheckpoint = 0');
  const stopCheckpointer = startWalCheckpointer(path, () => {
    if (connection.open) connection.pragma('wal_autocheckpoint = 1000');
  });
  const close = connection.close.bind(connection);
  connection.close = () => {
    const closed = close();
    pooled.checkpointerStopped = stopCheckpointer();
    return closed;
  };
}

/**
 * Kysely's SQLite dialect, whose destroy also waits for the WAL checkpointer's last checkpoint and
 * close: until then its connection holds the database's -wal and -shm files, and a caller that
 * closed the database would see them still there (a test removing its scratch directory could
 * not).
 */
class CheckpointedSqliteDialect extends SqliteDialect {
  readonly #pooled: PooledConnection;

  constructor(config: SqliteDialectConfig, pooled: PooledConnection) {
    super(config);
    this.#pooled = pooled;
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const destroy = driver.destroy.bind(driver);
    driver.destroy = async () => {
      await destroy();
      await this.#pooled.checkpointerStopped;
    };
    return driver;
  }
}

export const sqliteConnections: DialectConnections = {
  createKysely({ url }: ConnectionOptions): Kysely<Database> {
    const pooled: PooledConnection = { url, connection: null, probe: null, checkpointerStopped: null };
    const db = new Kysely<Database>({
      dialect: new CheckpointedSqliteDialect(
        {
          database: () => {
            const connection = openSqliteFile(url);
            if (url !== ':memory:') checkpointInAWorker(connection, url, pooled);
            pooled.connection = connection;
            pooled.probe = null;
            return Promise.resolve(connection);
          },
        },
        pooled,
      ),
    });
    pooledConnections.set(db, pooled);
    return db;
  },

  createLongReader({ url, isClosed }: ConnectionOptions) {
    // An in-memory database exists only on the pool's own connection.
    if (url === ':memory:') return null;
    return createWorkerKysely(url, PAGE_CACHE_KIB, isClosed);
  },

  createShortReader({ url, isClosed }: ConnectionOptions) {
    // An in-memory database exists only on the pool's own connection.
    if (url === ':memory:') return null;
    const database = () => (isClosed?.() ? Promise.reject(new Error('the database is closed')) : Promise.resolve(openSqliteFile(url)));
    return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
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
