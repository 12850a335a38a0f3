import type { ColumnDataType, CreateTableBuilder, Expression, InsertQueryBuilder, InsertResult, Kysely, RawBuilder } from 'kysely';
import type { Database } from './schema.js';

export const DIALECT_NAMES = ['sqlite', 'mysql', 'postgres'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export interface ConnectionOptions {
  /** The dialect's own form of `DATABASE_URL` (a file path for SQLite). */
  readonly url: string;
  /** Most connections the pool opens (SQLite always uses one). */
  readonly poolSize: number;
}

/**
 * Everything that differs between the supported databases, as small adapter methods (kysely's
 * habit). Services and migrations ask the dialect; none of them branches on its name.
 */
export interface SqlDialect {
  readonly name: DialectName;
  /** Bind parameters one statement may carry on this driver. */
  readonly maxBindParameters: number;
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

  createKysely(options: ConnectionOptions): Kysely<Database>;

  /** Adds an integer `id` primary key that the database fills in when the insert leaves it out. */
  addAutoIncrementId<T extends string>(table: CreateTableBuilder<T>): CreateTableBuilder<T, 'id'>;

  /** A default for a datetime column: the database's clock, in UTC. */
  currentDateTimeDefault(): RawBuilder<unknown>;

  /** The database server's clock now, in UTC, as a datetime text expression. */
  clock(): RawBuilder<string>;

  /**
   * Makes an insert update `updateColumns` from the new row when a row with the same `key`
   * (primary key or unique index) already exists: `on conflict (…) do update` on SQLite and
   * PostgreSQL, `on duplicate key update` on MySQL.
   */
  upsert<DB, TB extends keyof DB & string>(
    insert: InsertQueryBuilder<DB, TB, InsertResult>,
    key: readonly (keyof DB[TB] & string)[],
    updateColumns: readonly (keyof DB[TB] & string)[],
  ): InsertQueryBuilder<DB, TB, InsertResult>;

  /** The placeholder for the `index`-th (0-based) parameter of hand-written SQL. */
  placeholder(index: number): string;

  /** Quotes an identifier for hand-written SQL. */
  quoteIdentifier(identifier: string): string;

  /**
   * After rows were inserted with explicit ids, makes the next generated id follow the greatest
   * one (PostgreSQL sequences don't move by themselves; the others need nothing).
   */
  syncIdSequence(db: Kysely<Database>, table: string): Promise<void>;

  /**
   * Runs a bulk load (the demo seed) with durability relaxed where the dialect allows it: a crash
   * mid-load loses the load, which is then simply run again.
   */
  withBulkLoad<T>(db: Kysely<Database>, load: () => Promise<T>): Promise<T>;

  /** A deadlock, serialization failure or busy database: the same work may succeed if retried. */
  isRetryableError(error: unknown): boolean;
}

export function errorCode(error: unknown): string | number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; errno?: unknown };
  if (typeof record.code === 'string' || typeof record.code === 'number') return record.code;
  if (typeof record.errno === 'number') return record.errno;
  return undefined;
}
