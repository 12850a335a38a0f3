import type { SqlDialect } from '../../dialect.js';
import { sqliteConnections } from './sqlite-connections.js';
import { sqliteErrors } from './sqlite-errors.js';
import { sqliteLocks } from './sqlite-locks.js';
import { sqliteSchema } from './sqlite-schema.js';
import { sqliteSnapshots } from './sqlite-snapshots.js';
import { sqliteStatements } from './sqlite-statements.js';

/** SQLite through better-sqlite3: one connection per pool, WAL, datetimes as text. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  schema: sqliteSchema,
  connections: sqliteConnections,
  statements: sqliteStatements,
  locks: sqliteLocks,
  snapshots: sqliteSnapshots,
  errors: sqliteErrors,
};
