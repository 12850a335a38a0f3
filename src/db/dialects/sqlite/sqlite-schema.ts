import { sql, type CreateTableBuilder } from 'kysely';
import type { DialectSchema } from '../../dialect.js';
import { NOW_UTC_TEXT } from './sqlite-statements.js';

export const sqliteSchema: DialectSchema = {
  columnTypes: {
    dateTime: 'text',
    date: 'text',
    flag: 'integer',
    largeText: 'text',
  },
  addAutoIncrementId<T extends string>(table: CreateTableBuilder<T>) {
    return table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
  },
  currentDateTimeDefault: () => sql`(${NOW_UTC_TEXT})`,
  asDouble: (column) => sql<number>`cast(${sql.ref(column)} as real)`,
  expressionIndexes: true,
};
