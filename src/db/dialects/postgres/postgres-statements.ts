import { sql } from 'kysely';
import type { DialectStatements } from '../../dialect.js';
import { onConflictUpdateClause } from '../../on-conflict-upsert.js';

const quoteIdentifier = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

export const postgresStatements: DialectStatements = {
  // The wire protocol counts parameters in an int16.
  maxBindParameters: 65535,
  // clock_timestamp(), not now(): now() is frozen at the start of the transaction.
  clock: () => sql<string>`to_char(clock_timestamp() at time zone 'utc', 'YYYY-MM-DD HH24:MI:SS.MS')`,
  placeholder: (index) => `$${index + 1}`,
  quoteIdentifier,

  upsertClause: (keyColumns, updateColumns) => onConflictUpdateClause(quoteIdentifier, keyColumns, updateColumns),

  async insertReturningId(query) {
    // No insertId without RETURNING on PostgreSQL.
    const row = await query.returning(sql<number>`id`.as('id')).executeTakeFirstOrThrow();
    return Number(row.id);
  },

  async syncIdSequence(db, table) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce(max(id), 0) + 1, false) from ${sql.table(table)}`.execute(db);
  },

  // Timestamp subtraction gives an interval of days and microseconds; its epoch is exact (numeric).
  wholeDaysBetween: (from, to) => sql<number | null>`cast(floor(extract(epoch from (${to} - ${from})) / 86400) as integer)`,

  // The interval's epoch is exact (numeric): milliseconds are whole.
  millisecondsBetween: (from, to) => sql<number>`cast(round(extract(epoch from (${to} - ${from})) * 1000) as bigint)`,

  dateTimeValue: (value) => sql<string>`cast(${value} as timestamp(3))`,
};
