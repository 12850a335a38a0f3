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
  /** Runs `work` on one consistent, read-only view of the database (see DialectSnapshots.withReadSnapshot). */
  readSnapshot<T>(work: (snapshot: ReadSnapshot) => Promise<T>): Promise<T>;
  /** Closes every pooled connection. Safe to call twice. */
  close(): Promise<void>;
}

export function openDatabase(location: DatabaseLocation, options: { poolSize: number }): DatabaseHandle {
  const dialect = dialectFor(location.dialect);
  const connection = { url: location.url, poolSize: options.poolSize };
  const db = dialect.connections.createKysely(connection);
  const shortReader = dialect.connections.createShortReader(connection);
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect,
    shortReads: shortReader ?? db,
    readSnapshot: (work) => dialect.snapshots.withReadSnapshot(db, connection, work),
    close: () => (closing ??= Promise.all([db.destroy(), shortReader?.destroy()]).then(() => undefined)),
  };
}

/** Runs a trivial query; rejects when the database cannot be reached. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
