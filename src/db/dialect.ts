import type { ColumnDataType, CreateTableBuilder, Expression, InsertQueryBuilder, InsertResult, Kysely, RawBuilder } from 'kysely';
import type { Database } from './schema.js';

export const DIALECT_NAMES = ['sqlite', 'mysql', 'postgres'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/**
 * Everything that differs between the supported databases, as small adapter methods grouped by
 * role (kysely's habit: one object per concern, one folder per dialect). Services ask the role
 * they need (`dialect.statements.clock()`, `dialect.errors.isRetryable(e)`); none branches on the name.
 * Each dialect's folder has one file per role and an index assembling them.
 */
export interface SqlDialect {
  readonly name: DialectName;
  /** Column types and defaults, for migrations. */
  readonly schema: DialectSchema;
  /** Opening connections, and how a bulk load may run. */
  readonly connections: DialectConnections;
  /** Pieces of SQL whose spelling differs: clocks, upserts, identifiers, datetime arithmetic. */
  readonly statements: DialectStatements;
  /** A lock every process sharing the database respects. */
  readonly locks: DialectLocks;
  /** Long consistent reads, and a cheap "did anything change" probe. */
  readonly snapshots: DialectSnapshots;
  /** Which errors are worth retrying. */
  readonly errors: DialectErrors;
}

// ---- schema ------------------------------------------------------------------------------------

export interface DialectSchema {
  readonly columnTypes: {
    /** A UTC datetime with milliseconds. */
    readonly dateTime: ColumnDataType | Expression<unknown>;
    /** A calendar date `YYYY-MM-DD`. */
    readonly date: ColumnDataType | Expression<unknown>;
    /** A 0/1 flag: booleans are 0/1 on every dialect (SPEC §1). */
    readonly flag: ColumnDataType | Expression<unknown>;
    /** Text of any length (a JSON payload). */
    readonly largeText: ColumnDataType | Expression<unknown>;
  };
  /** Adds an integer `id` primary key that the database fills in when the insert leaves it out. */
  addAutoIncrementId<T extends string>(table: CreateTableBuilder<T>): CreateTableBuilder<T, 'id'>;
  /** A default for a datetime column: the database's clock, in UTC. */
  currentDateTimeDefault(): RawBuilder<unknown>;
  /**
   * A numeric column as an IEEE double (`cast(c as real|double|double precision)`): the lead list
   * orders by `account_value / locale_rate` in doubles, as the domain computes it, on every dialect;
   * its index (migration 0004) and its queries use this same expression.
   */
  asDouble(column: string): RawBuilder<number>;
  /** Whether an index may be built on an expression (MariaDB: no; it would need a generated column). */
  readonly expressionIndexes: boolean;
}

// ---- connections -------------------------------------------------------------------------------

export interface ConnectionOptions {
  /** The dialect's own form of `DATABASE_URL` (a file path for SQLite). */
  readonly url: string;
  /** Most connections the pool opens (SQLite always uses one). */
  readonly poolSize: number;
  /**
   * Whether the database handle was closed. Kysely connects on first use, and a destroyed instance
   * that never connected would connect afresh: a connection opened lazily asks this first.
   */
  readonly isClosed?: () => boolean;
}

export interface DialectConnections {
  createKysely(options: ConnectionOptions): Kysely<Database>;
  /**
   * A Kysely instance for short reads that must not queue behind a write transaction holding the
   * pool (the sync's chunks): SQLite's pool is one connection, so this is a second one (WAL
   * readers never wait for the writer); null where the pool already has connections to spare.
   */
  createShortReader(options: ConnectionOptions): Kysely<Database> | null;
  /**
   * A Kysely instance for long reads (the SQL engines' aggregates over the whole table: seconds at
   * a million leads) that must not hold the event loop: on SQLite, whose driver runs a statement
   * synchronously, a connection in a worker thread; null where the driver is asynchronous anyway.
   */
  createLongReader(options: ConnectionOptions): Kysely<Database> | null;
  /**
   * Runs a bulk load (the demo seed) with durability relaxed where the dialect allows it: a crash
   * mid-load loses the load, which is then simply run again.
   */
  withBulkLoad<T>(db: Kysely<Database>, load: () => Promise<T>): Promise<T>;
}

// ---- statements --------------------------------------------------------------------------------

export interface DialectStatements {
  /** Bind parameters one statement may carry on this driver. */
  readonly maxBindParameters: number;
  /** The database server's clock now, in UTC, as a datetime text expression. */
  clock(): RawBuilder<string>;
  /** The placeholder for the `index`-th (0-based) parameter of hand-written SQL. */
  placeholder(index: number): string;
  /** Quotes an identifier for hand-written SQL. */
  quoteIdentifier(identifier: string): string;
  /**
   * The tail that turns `insert into t (…) values …` or `insert into t (…) select … where …` into an
   * upsert: a row whose `keyColumns` already exist gets its `updateColumns` overwritten.
   */
  upsertClause(keyColumns: readonly string[], updateColumns: readonly string[]): RawBuilder<unknown>;
  /** Runs an insert of one row and resolves the id the database generated for it. */
  insertReturningId<TB extends keyof Database>(query: InsertQueryBuilder<Database, TB, InsertResult>): Promise<number>;
  /**
   * After rows were inserted with explicit ids, makes the next generated id follow the greatest
   * one (PostgreSQL sequences don't move by themselves; the others need nothing).
   */
  syncIdSequence(db: Kysely<Database>, table: string): Promise<void>;
  /** Whole days (floor) from `from` to `to`, two datetimes; null when either is null. Exact to the millisecond. */
  wholeDaysBetween(from: Expression<string | null>, to: Expression<string | null>): RawBuilder<number | null>;
  /**
   * Whole milliseconds from `from` to `to`, two datetimes (negative when `to` is earlier); exact,
   * as datetimes are kept to the millisecond. For SPEC §12's visit durations and ages.
   */
  millisecondsBetween(from: Expression<string | null>, to: Expression<string | null>): RawBuilder<number>;
  /**
   * A datetime text as a bound value of datetime type, for a SELECT list (PostgreSQL will not
   * insert a text-typed parameter into a timestamp column from `insert … select`).
   */
  dateTimeValue(value: string): RawBuilder<string>;
}

// ---- locks -------------------------------------------------------------------------------------

/** What the holder of an exclusive lock can check while it works. */
export interface HeldLock {
  /**
   * Throws when the lock may have passed to someone else (a lease that could not be renewed in
   * time). A session lock is held for as long as its connection lives, so it never throws.
   */
  assertHeld(): void;
}

export type LockOutcome<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

export interface DialectLocks {
  /**
   * Runs `work` while holding the lock `name`, which every process sharing the database respects.
   * When someone else holds it, resolves `{ acquired: false }` at once without running `work`.
   * A holder that dies must not keep the lock: MySQL (`GET_LOCK`) and PostgreSQL
   * (`pg_try_advisory_lock`) take a session lock on one pinned connection (src/db/session-lock.ts),
   * which dies with it; SQLite takes a lease row in `crm_analytics_locks` that expires unless
   * renewed while `work` runs. `work` receives the Kysely instance to run on: the pinned
   * connection where there is one.
   */
  withExclusiveLock<T>(
    db: Kysely<Database>,
    name: string,
    work: (db: Kysely<Database>, lock: HeldLock) => Promise<T>,
  ): Promise<LockOutcome<T>>;
}

// ---- snapshots ---------------------------------------------------------------------------------

/**
 * Reads every row of `table`, a chunk of rows at a time: `onChunk` receives each row as an array
 * of the values of `expressions` (SQL over the table's columns). No object is built per row,
 * which is most of the cost of reading millions of rows into memory.
 */
export type RowArrayScan = (
  table: keyof Database,
  expressions: readonly string[],
  onChunk: (rows: readonly (readonly unknown[])[]) => void,
) => Promise<void>;

/** One consistent, read-only view of the database (DialectSnapshots.withReadSnapshot). */
export interface ReadSnapshot {
  readonly db: Kysely<Database>;
  /** A scan without row objects where the driver offers one (SQLite's raw mode); null elsewhere: read through `db`. */
  readonly scanRowArrays: RowArrayScan | null;
}

export interface DialectSnapshots {
  /**
   * Runs `work` on one consistent, read-only view of the database (every statement sees the same
   * committed state) without taking a connection the API needs for long: SQLite opens a second
   * connection for it (its pool is one connection), MySQL and PostgreSQL use a read-only
   * repeatable-read transaction on a pooled one. For long reads (the memory engine's load).
   */
  withReadSnapshot<T>(db: Kysely<Database>, options: ConnectionOptions, work: (snapshot: ReadSnapshot) => Promise<T>): Promise<T>;
  /**
   * A token, cheap to read, that changes whenever the data may have changed: a commit by any other
   * connection or a write by this one. Null when the dialect has no such thing (then callers read
   * what they need each time). SQLite: `PRAGMA data_version` and `total_changes()` of the pool's
   * connection, a few microseconds against a query's hundred.
   */
  changeProbe(db: Kysely<Database>): (() => string) | null;
}

// ---- errors ------------------------------------------------------------------------------------

export interface DialectErrors {
  /** A deadlock, serialization failure or busy database: the same work may succeed if retried. */
  isRetryable(error: unknown): boolean;
}

/** The driver's error code (`code`, else `errno`) of a database error, for DialectErrors. */
export function errorCode(error: unknown): string | number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; errno?: unknown };
  if (typeof record.code === 'string' || typeof record.code === 'number') return record.code;
  if (typeof record.errno === 'number') return record.errno;
  return undefined;
}
