import { sql, type InsertQueryBuilder, type InsertResult } from 'kysely';

/**
 * The standard form of an upsert, shared by SQLite and PostgreSQL:
 * `on conflict (key) do update set column = excluded.column, …`.
 */
export function onConflictUpsert<DB, TB extends keyof DB & string>(
  insert: InsertQueryBuilder<DB, TB, InsertResult>,
  key: readonly (keyof DB[TB] & string)[],
  updateColumns: readonly (keyof DB[TB] & string)[],
): InsertQueryBuilder<DB, TB, InsertResult> {
  const updates = Object.fromEntries(updateColumns.map((column) => [column, sql.ref(`excluded.${column}`)]));
  // Kysely types conflict targets and update sets per table; these column lists are generic
  // over the table, so the checks above (keyof DB[TB]) stand in for Kysely's.
  return insert.onConflict((conflict) => conflict.columns(key).doUpdateSet(updates as never));
}
