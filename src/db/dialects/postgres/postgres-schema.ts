import { sql, type CreateTableBuilder } from 'kysely';
import type { DialectSchema } from '../../dialect.js';

export const postgresSchema: DialectSchema = {
  columnTypes: {
    dateTime: sql`timestamp(3)`,
    date: 'date',
    flag: 'smallint',
    largeText: 'text',
  },
  addAutoIncrementId<T extends string>(table: CreateTableBuilder<T>) {
    return table.addColumn('id', 'serial', (column) => column.primaryKey());
  },
  currentDateTimeDefault: () => sql`(now() at time zone 'utc')`,
  asDouble: (column) => sql<number>`cast(${sql.ref(column)} as double precision)`,
  expressionIndexes: true,
};
