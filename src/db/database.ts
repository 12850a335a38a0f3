import { sql, type Kysely } from 'kysely';
import type { DatabaseLocation } from './database-url.js';
import type { ReadSnapshot, SqlDialect } from './dialect.js';
import { dialectFor } from './dialects/index.js';
import type { Database } from './schema.js';

/** One open database: the Kysely instance and the dialect that knows its differences. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  /**
   * For short reads on the request path (the latest sync generation) that must not wait behind a
   * sync chunk's transaction: a connection of its own on SQLite, the pool elsewhere.
   */
  readonly shortReads: Kysely<Database>;
  /**
   * For long reads (the SQL engines over the whole table) that must not hold the event loop: a
   * connection in a worker thread on SQLite (its driver is synchronous), the pool elsewhere.
   */
  readonly longReads: Kysely<Database>;
  /** Runs `work` on one consistent, read-only view of the database (see DialectSnapshots.withReadSnapshot). */
  readSnapshot<T>(work: (snapshot: ReadSnapshot) => Promise<T>): Promise<T>;
  /** Closes every pooled connection. Safe to call twice. */
  close(): Promise<void>;
}

export function openDatabase(location: DatabaseLocation, options: { poolSize: number }): DatabaseHandle {
  const dialect = dialectFor(location.dialect);
  let closed = false;
  const connection = { url: location.url, poolSize: options.poolSize, isClosed: () => closed };
  const db = dialect.connections.createKysely(connection);
  const shortReader = dialect.connections.createShortReader(connection);
  const longReader = dialect.connections.createLongReader(connection);
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect,
    shortReads: shortReader ?? db,
    longReads: longReader ?? db,
    readSnapshot: (work) => dialect.snapshots.withReadSnapshot(db, connection, work),
    close: () => {
      closed = true;
      return (closing ??= Promise.all([db.destroy(), shortReader?.destroy(), longReader?.destroy()]).then(() => undefined));
    },
  };
}

/** Runs a trivial query; rejects when the database cannot be reached. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
