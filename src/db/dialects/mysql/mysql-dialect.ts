import { CompiledQuery, Kysely, MysqlDialect, sql } from 'kysely';
import type { CreateTableBuilder } from 'kysely';
import { createPool } from 'mysql2';
import { errorCode, type ConnectionOptions, type HeldLock, type SqlDialect } from '../../dialect.js';
import type { Database } from '../../schema.js';
import { inReadOnlySnapshot } from '../../transaction.js';

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
  placeholder: () => '?',
  quoteIdentifier: (identifier) => `\`${identifier.replaceAll('`', '``')}\``,

  // AUTO_INCREMENT continues from the greatest id already there.
  syncIdSequence: () => Promise.resolve(),

  withBulkLoad: (_db, load) => load(),

  isRetryableError(error) {
    const code = errorCode(error);
    return code !== undefined && RETRYABLE_ERRNOS.has(code);
  },

  async withExclusiveLock(db, name, work) {
    // GET_LOCK names are server-wide and at most 64 characters: scope the name to this database.
    const lockName = sql`concat('crm_analytics:', md5(concat(${name}, '@', coalesce(database(), ''))))`;
    return db.connection().execute(async (connection) => {
      const { rows } = await sql<{ acquired: number | null }>`select get_lock(${lockName}, 0) as acquired`.execute(connection);
      if (Number(rows[0]?.acquired) !== 1) return { acquired: false } as const;
      let failed = false;
      try {
        return { acquired: true, value: await work(connection, SESSION_LOCK) } as const;
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        // After a failure the work's error matters more; a dead connection has released the lock anyway.
        await sql`select release_lock(${lockName})`.execute(connection).catch((error: unknown) => {
          if (!failed) throw error;
        });
      }
    });
  },

  upsertClause(keyColumns, updateColumns) {
    // The key columns form the primary key: a duplicate key is a conflict on them.
    void keyColumns;
    const quote = (identifier: string) => mysqlDialect.quoteIdentifier(identifier);
    return sql.raw(`on duplicate key update ${updateColumns.map((column) => `${quote(column)} = values(${quote(column)})`).join(', ')}`);
  },

  // Commits on the server are not announced to clients: every read asks.
  changeProbe: () => null,

  withReadSnapshot: (db, _connection, work) => inReadOnlySnapshot(db, work),

  async insertReturningId(query) {
    const result = await query.executeTakeFirstOrThrow();
    return Number(result.insertId);
  },

  wholeDaysBetween: (from, to) =>
    sql<number | null>`floor(timestampdiff(microsecond, ${from}, ${to}) / 86400000000)`,

  dateTimeValue: (value) => sql<string>`cast(${value} as datetime(3))`,
};

/** A session lock lives as long as its connection: there is nothing to check. */
const SESSION_LOCK: HeldLock = { assertHeld: () => undefined };
