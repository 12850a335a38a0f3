import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from './dialect.js';
import type { Database, DbDateTime } from './schema.js';

/** The database server's clock now, UTC text: the one clock every process sharing the database agrees on. */
export async function databaseNow(db: Kysely<Database>, dialect: SqlDialect): Promise<DbDateTime> {
  const { rows } = await sql<{ now: string }>`select ${dialect.statements.clock()} as now`.execute(db);
  const now = rows[0]?.now;
  if (now === undefined) throw new Error('the database did not tell its clock');
  return now;
}
