import type { SqlDialect } from '../../dialect.js';
import { postgresConnections } from './postgres-connections.js';
import { postgresErrors } from './postgres-errors.js';
import { postgresLocks } from './postgres-locks.js';
import { postgresSchema } from './postgres-schema.js';
import { postgresSnapshots } from './postgres-snapshots.js';
import { postgresStatements } from './postgres-statements.js';

/** PostgreSQL, through pg: sessions in UTC, timestamps read as text, bigint and numeric as numbers. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  schema: postgresSchema,
  connections: postgresConnections,
  statements: postgresStatements,
  locks: postgresLocks,
  snapshots: postgresSnapshots,
  errors: postgresErrors,
};
