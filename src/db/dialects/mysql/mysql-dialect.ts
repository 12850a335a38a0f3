import { CompiledQuery, Kysely, MysqlDialect, sql } from 'kysely';
import type { CreateTableBuilder } from 'kysely';
import { createPool } from 'mysql2';
import { errorCode, type ConnectionOptions, type SqlDialect } from '../../dialect.js';
import type { Database } from '../../schema.js';

const RETRYABLE_ERRNOS = new Set<string | number>([
  'ER_LOCK_DEADLOCK', // 1213
  'ER_LOCK_WAIT_TIMEOUT', // 1205
  1213,
  1205,
]);

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  // The prepared-statement limit; mysql2's text protocol (which Kysely uses) has none below it.
  maxBindParameters: 65535,
  columnTypes: {
    dateTime: sql`datetime(3)`,
    date: 'date',
    flag: 'smallint',
    // TEXT stops at 64 KiB; a payload with 100 active leads can pass it.
    largeText: sql`longtext`,
  },

  createKysely({ url, poolSize }: ConnectionOptions): Kysely<Database> {
    const pool = createPool({
      uri: url,
      connectionLimit: poolSize,
      // Datetimes come back as the text the server holds (UTC), never as a local-time Date.
      dateStrings: true,
      timezone: 'Z',
      decimalNumbers: true,
      supportBigNumbers: true,
      charset: 'utf8mb4',
    });
    return new Kysely<Database>({
      dialect: new MysqlDialect({
        pool,
        // NOW(), CURRENT_TIMESTAMP and the column defaults follow the session zone: pin it to UTC.
        onCreateConnection: async (connection) => {
          await connection.executeQuery(CompiledQuery.raw("SET time_zone = '+00:00'"));
        },
      }),
    });
  },

  addAutoIncrementId<T extends string>(table: CreateTableBuilder<T>) {
    return table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
  },

  currentDateTimeDefault: () => sql`(utc_timestamp(3))`,
  clock: () => sql<string>`date_format(utc_timestamp(3), '%Y-%m-%d %H:%i:%s.%f')`,
  upsert(insert, _key, updateColumns) {
    // VALUES(column) is the row being inserted (MariaDB; MySQL 8 accepts it with a deprecation note).
    const updates = Object.fromEntries(updateColumns.map((column) => [column, sql`values(${sql.ref(column)})`]));
    // Generic over the table: the column lists are checked against keyof DB[TB] by the interface.
    return insert.onDuplicateKeyUpdate(updates as never);
  },
  placeholder: () => '?',
  quoteIdentifier: (identifier) => `\`${identifier.replaceAll('`', '``')}\``,

  // AUTO_INCREMENT continues from the greatest id already there.
  syncIdSequence: () => Promise.resolve(),

  withBulkLoad: (_db, load) => load(),

  isRetryableError(error) {
    const code = errorCode(error);
    return code !== undefined && RETRYABLE_ERRNOS.has(code);
  },
};
