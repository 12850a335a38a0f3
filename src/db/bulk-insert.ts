import { CompiledQuery, type Kysely } from 'kysely';
import type { SqlDialect } from './dialect.js';
import type { Database } from './schema.js';

/** Rows per statement at most, whatever the parameter limit allows: keeps statements small. */
const MAX_ROWS_PER_STATEMENT = 250;

const statementCache = new Map<string, string>();

function insertStatement(dialect: SqlDialect, table: string, columns: readonly string[], rowCount: number): string {
  const key = `${dialect.name}|${table}|${columns.join(',')}|${rowCount}`;
  let text = statementCache.get(key);
  if (text === undefined) {
    const width = columns.length;
    const tuples: string[] = [];
    for (let row = 0; row < rowCount; row += 1) {
      const marks: string[] = [];
      for (let column = 0; column < width; column += 1) marks.push(dialect.statements.placeholder(row * width + column));
      tuples.push(`(${marks.join(',')})`);
    }
    const quotedColumns = columns.map((column) => dialect.statements.quoteIdentifier(column)).join(', ');
    text = `insert into ${dialect.statements.quoteIdentifier(table)} (${quotedColumns}) values ${tuples.join(',')}`;
    statementCache.set(key, text);
  }
  return text;
}

/** How many rows of `columnCount` values one statement may carry on this dialect. */
export function rowsPerStatement(dialect: SqlDialect, columnCount: number): number {
  return Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(dialect.statements.maxBindParameters / columnCount)));
}

/**
 * Inserts rows (arrays in `columns` order) with multi-row statements sized to the driver's
 * parameter limit. Kysely's builder would rebuild its tree for every row; the seeder writes
 * millions, so the statement text is built once per shape and reused.
 */
export async function insertRows(
  db: Kysely<Database>,
  dialect: SqlDialect,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  const perStatement = rowsPerStatement(dialect, columns.length);
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const parameters: unknown[] = [];
    for (const row of chunk) for (const value of row) parameters.push(value);
    await db.executeQuery(CompiledQuery.raw(insertStatement(dialect, table, columns, chunk.length), parameters));
  }
}
