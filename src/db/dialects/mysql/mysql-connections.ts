import { CompiledQuery, Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
import type { ConnectionOptions, DialectConnections } from '../../dialect.js';
import type { Database } from '../../schema.js';

export const mysqlConnections: DialectConnections = {
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
  // The pool has other connections than the one a sync pins.
  createShortReader: () => null,
  // mysql2 reads asynchronously: a long read holds a connection, never the event loop.
  createLongReader: () => null,
  withBulkLoad: (_db, load) => load(),
};
