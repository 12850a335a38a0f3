import type { DialectName, SqlDialect } from '../dialect.js';
import { mysqlDialect } from './mysql/mysql-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';

const DIALECTS: Record<DialectName, SqlDialect> = {
  sqlite: sqliteDialect,
  mysql: mysqlDialect,
  postgres: postgresDialect,
};

export function dialectFor(name: DialectName): SqlDialect {
  return DIALECTS[name];
}
