import { Kysely, PostgresDialect, sql } from 'kysely';
import type { CreateTableBuilder } from 'kysely';
import pg from 'pg';
import { errorCode, type ConnectionOptions, type HeldLock, type SqlDialect } from '../../dialect.js';
import { onConflictUpdateClause } from '../../on-conflict-upsert.js';
import type { Database } from '../../schema.js';
import { inReadOnlySnapshot } from '../../transaction.js';

const { Pool, types } = pg;

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

const identity = (value: string): string => value;
const toNumber = (value: string): number => Number(value);

/**
 * COUNT and SUM of integers are bigint, decimals are numeric: both arrive as numbers, as they do
 * from the other drivers. Timestamps and dates stay text: pg would otherwise read a
 * `timestamp without time zone` as local time.
 */
const parsers = new Map<number, (value: string) => unknown>([
  [OID.int8, toNumber],
  [OID.numeric, toNumber],
  [OID.date, identity],
  [OID.timestamp, identity],
  [OID.timestamptz, identity],
]);

type TextParser = (value: string) => unknown;

function getTypeParser(oid: number, format?: 'text' | 'binary'): TextParser {
  // pg's own typings return `any` here.
  const fallback = types.getTypeParser(oid, format ?? 'text') as TextParser;
  return (format ?? 'text') === 'text' ? (parsers.get(oid) ?? fallback) : fallback;
}

const typeOverrides = { getTypeParser };

const RETRYABLE_SQLSTATES = new Set<string | number>([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
]);

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  // The wire protocol counts parameters in an int16.
  maxBindParameters: 65535,
  columnTypes: {
    dateTime: sql`timestamp(3)`,
    date: 'date',
    flag: 'smallint',
    largeText: 'text',
  },

  createKysely({ url, poolSize }: ConnectionOptions): Kysely<Database> {
    const pool = new Pool({
      connectionString: url,
      max: poolSize,
      types: typeOverrides,
      // Keep now() and the defaults in UTC whatever the server's own TimeZone setting says.
      options: '-c TimeZone=UTC',
    });
    // A connection the server drops (a restart, pg_terminate_backend, the network) must not take
    // the process down: pg emits 'error' on the client, checked out or idle, and on the pool, and
    // an 'error' event nobody listens to throws. The query in flight fails with its own error (the
    // caller sees it), and the pool discards the dead client and opens a new one when needed.
    pool.on('error', ignoreDroppedConnection);
    pool.on('connect', (client) => client.on('error', ignoreDroppedConnection));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  },

  addAutoIncrementId<T extends string>(table: CreateTableBuilder<T>) {
    return table.addColumn('id', 'serial', (column) => column.primaryKey());
  },

  currentDateTimeDefault: () => sql`(now() at time zone 'utc')`,
  // clock_timestamp(), not now(): now() is frozen at the start of the transaction.
  clock: () => sql<string>`to_char(clock_timestamp() at time zone 'utc', 'YYYY-MM-DD HH24:MI:SS.MS')`,
  placeholder: (index) => `$${index + 1}`,
  quoteIdentifier: (identifier) => `"${identifier.replaceAll('"', '""')}"`,

  async syncIdSequence(db, table) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce(max(id), 0) + 1, false) from ${sql.table(table)}`.execute(db);
  },

  withBulkLoad: (_db, load) => load(),

  isRetryableError(error) {
    const code = errorCode(error);
    return code !== undefined && RETRYABLE_SQLSTATES.has(code);
  },

  async withExclusiveLock(db, name, work) {
    // Advisory locks are per database; the two-key form keeps ours apart from other applications'.
    const key = sql`${ADVISORY_LOCK_CLASS}::int4, hashtext(${name})`;
    return db.connection().execute(async (connection) => {
      const { rows } = await sql<{ acquired: boolean }>`select pg_try_advisory_lock(${key}) as acquired`.execute(connection);
      if (rows[0]?.acquired !== true) return { acquired: false } as const;
      let failed = false;
      try {
        return { acquired: true, value: await work(connection, SESSION_LOCK) } as const;
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        // After a failure the work's error matters more; a dead connection has released the lock anyway.
        await sql`select pg_advisory_unlock(${key})`.execute(connection).catch((error: unknown) => {
          if (!failed) throw error;
        });
      }
    });
  },

  upsertClause: (keyColumns, updateColumns) =>
    onConflictUpdateClause((identifier) => postgresDialect.quoteIdentifier(identifier), keyColumns, updateColumns),

  // Commits on the server are not announced to clients: every read asks.
  changeProbe: () => null,

  withReadSnapshot: (db, _connection, work) => inReadOnlySnapshot(db, work),

  async insertReturningId(query) {
    // No insertId without RETURNING on PostgreSQL.
    const row = await query.returning(sql<number>`id`.as('id')).executeTakeFirstOrThrow();
    return Number(row.id);
  },

  // Timestamp subtraction gives an interval of days and microseconds; its epoch is exact (numeric).
  wholeDaysBetween: (from, to) =>
    sql<number | null>`cast(floor(extract(epoch from (${to} - ${from})) / 86400) as integer)`,

  dateTimeValue: (value) => sql<string>`cast(${value} as timestamp(3))`,
};

/** See createKysely: the failure reaches whoever was using the connection; nothing else to do. */
const ignoreDroppedConnection = (): void => undefined;

/** 'CRMA': the first key of our advisory locks. */
const ADVISORY_LOCK_CLASS = 0x43524d41;

/** A session lock lives as long as its connection: there is nothing to check. */
const SESSION_LOCK: HeldLock = { assertHeld: () => undefined };
