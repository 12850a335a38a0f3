import type { SqlDialect } from '../../dialect.js';
import { mysqlConnections } from './mysql-connections.js';
import { mysqlErrors } from './mysql-errors.js';
import { mysqlLocks } from './mysql-locks.js';
import { mysqlSchema } from './mysql-schema.js';
import { mysqlSnapshots } from './mysql-snapshots.js';
import { mysqlStatements } from './mysql-statements.js';

/** MySQL and MariaDB, through mysql2: sessions pinned to UTC, datetimes read as text. */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  schema: mysqlSchema,
  connections: mysqlConnections,
  statements: mysqlStatements,
  locks: mysqlLocks,
  snapshots: mysqlSnapshots,
  errors: mysqlErrors,
};
