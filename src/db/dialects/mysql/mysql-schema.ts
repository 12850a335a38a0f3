import { sql, type CreateTableBuilder } from 'kysely';
import type { DialectSchema } from '../../dialect.js';

export const mysqlSchema: DialectSchema = {
  columnTypes: {
    dateTime: sql`datetime(3)`,
    date: 'date',
    flag: 'smallint',
    // TEXT stops at 64 KiB; a payload with 100 active leads can pass it.
    largeText: sql`longtext`,
  },
  addAutoIncrementId<T extends string>(table: CreateTableBuilder<T>) {
    return table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
  },
  currentDateTimeDefault: () => sql`(utc_timestamp(3))`,
  asDouble: (column) => sql<number>`cast(${sql.ref(column)} as double)`,
  expressionIndexes: false,
};
