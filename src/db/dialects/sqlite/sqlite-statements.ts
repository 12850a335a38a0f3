import { sql } from 'kysely';
import type { DialectStatements } from '../../dialect.js';
import { onConflictUpdateClause } from '../../on-conflict-upsert.js';

/** `strftime('%f')` gives seconds with milliseconds: the canonical `YYYY-MM-DD HH:MM:SS.SSS`. */
export const NOW_UTC_TEXT = sql<string>`strftime('%Y-%m-%d %H:%M:%f', 'now')`;

const quoteIdentifier = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

export const sqliteStatements: DialectStatements = {
  // SQLITE_MAX_VARIABLE_NUMBER of the SQLite that better-sqlite3 12 bundles.
  maxBindParameters: 32766,
  clock: () => NOW_UTC_TEXT,
  placeholder: () => '?',
  quoteIdentifier,

  upsertClause: (keyColumns, updateColumns) => onConflictUpdateClause(quoteIdentifier, keyColumns, updateColumns),

  async insertReturningId(query) {
    const result = await query.executeTakeFirstOrThrow();
    return Number(result.insertId);
  },

  // AUTOINCREMENT keys continue from the greatest id already there.
  syncIdSequence: () => Promise.resolve(),

  // julianday() keeps milliseconds exactly enough that rounding the difference to whole
  // milliseconds is exact; floor() then counts whole days, also for a negative span.
  wholeDaysBetween: (from, to) =>
    sql<number | null>`cast(floor(round((julianday(${to}) - julianday(${from})) * 86400000) / 86400000.0) as integer)`,

  // julianday() is exact enough that the difference rounded to whole milliseconds is exact.
  millisecondsBetween: (from, to) => sql<number>`cast(round((julianday(${to}) - julianday(${from})) * 86400000) as integer)`,

  // Datetimes are text in SQLite: the value is what it is.
  dateTimeValue: (value) => sql<string>`${value}`,
};
