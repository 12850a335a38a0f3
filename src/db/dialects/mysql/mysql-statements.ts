import { sql } from 'kysely';
import type { DialectStatements } from '../../dialect.js';

const quoteIdentifier = (identifier: string): string => `\`${identifier.replaceAll('`', '``')}\``;

export const mysqlStatements: DialectStatements = {
  // The prepared-statement limit; mysql2's text protocol (which Kysely uses) has none below it.
  maxBindParameters: 65535,
  clock: () => sql<string>`date_format(utc_timestamp(3), '%Y-%m-%d %H:%i:%s.%f')`,
  placeholder: () => '?',
  quoteIdentifier,

  upsertClause(keyColumns, updateColumns) {
    // The key columns form the primary key: a duplicate key is a conflict on them.
    void keyColumns;
    return sql.raw(`on duplicate key update ${updateColumns.map((column) => `${quoteIdentifier(column)} = values(${quoteIdentifier(column)})`).join(', ')}`);
  },

  async insertReturningId(query) {
    const result = await query.executeTakeFirstOrThrow();
    return Number(result.insertId);
  },

  // AUTO_INCREMENT continues from the greatest id already there.
  syncIdSequence: () => Promise.resolve(),

  wholeDaysBetween: (from, to) => sql<number | null>`floor(timestampdiff(microsecond, ${from}, ${to}) / 86400000000)`,

  // datetime(3) differences are whole milliseconds: the division is exact.
  millisecondsBetween: (from, to) => sql<number>`(timestampdiff(microsecond, ${from}, ${to}) div 1000)`,

  dateTimeValue: (value) => sql<string>`cast(${value} as datetime(3))`,
};
