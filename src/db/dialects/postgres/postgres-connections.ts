import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { ConnectionOptions, DialectConnections } from '../../dialect.js';
import type { Database } from '../../schema.js';

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

/** See createKysely: the failure reaches whoever was using the connection; nothing else to do. */
const ignoreDroppedConnection = (): void => undefined;

export const postgresConnections: DialectConnections = {
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
  // The pool has other connections than the one a sync pins.
  createShortReader: () => null,
  // pg reads asynchronously: a long read holds a connection, never the event loop.
  createLongReader: () => null,
  withBulkLoad: (_db, load) => load(),
};
