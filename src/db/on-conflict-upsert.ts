import { sql, type RawBuilder } from 'kysely';

/**
 * The standard upsert tail, shared by SQLite and PostgreSQL:
 * `on conflict (key) do update set column = excluded.column, …`.
 */
export function onConflictUpdateClause(
  quoteIdentifier: (identifier: string) => string,
  keyColumns: readonly string[],
  updateColumns: readonly string[],
): RawBuilder<unknown> {
  const keys = keyColumns.map(quoteIdentifier).join(', ');
  const updates = updateColumns.map((column) => `${quoteIdentifier(column)} = excluded.${quoteIdentifier(column)}`).join(', ');
  return sql.raw(`on conflict (${keys}) do update set ${updates}`);
}
