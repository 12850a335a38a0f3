import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Database } from '../../schema.js';

/**
 * The worker: one better-sqlite3 connection, set up as the pool's (src/db/dialects/sqlite/
 * sqlite-connections.ts), running the statements the main thread sends, one at a time, in order.
 * CommonJS, as an eval'd worker is.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db = null;
let openError = null;
try {
  db = new Database(workerData.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -' + workerData.pageCacheKib);
} catch (error) {
  openError = error;
}
const statements = new Map();
const failure = (error) => ({ message: String((error && error.message) || error), code: error && error.code });
parentPort.on('message', ({ id, sql, parameters }) => {
  if (sql === null) {
    if (db !== null) db.close();
    parentPort.close();
    return;
  }
  if (openError !== null) return parentPort.postMessage({ id, error: failure(openError) });
  try {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (statements.size >= 256) statements.clear();
      statements.set(sql, statement);
    }
    if (statement.reader) parentPort.postMessage({ id, rows: statement.all(parameters) });
    else {
      const { changes, lastInsertRowid } = statement.run(parameters);
      parentPort.postMessage({ id, changes, lastInsertRowid });
    }
  } catch (error) {
    parentPort.postMessage({ id, error: failure(error) });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly rows?: unknown[];
  readonly changes?: number;
  readonly lastInsertRowid?: number | bigint;
  readonly error?: { readonly message: string; readonly code?: string };
}

/** A driver error as better-sqlite3 throws it: the message and the SQLite code (`SQLITE_BUSY` …) the retry logic reads. */
class SqliteWorkerError extends Error {
  override readonly name = 'SqliteError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * One SQLite connection in a worker thread, behind Kysely: statements run there and the main
 * thread only awaits their answers. better-sqlite3 runs a statement synchronously, so on the main
 * thread the sync's heavy statements (a chunk's `insert … select`, 50–150 ms at 1,000,000 leads)
 * held the event loop and every request waited; here they hold the worker only. The worker keeps
 * the process alive only while a statement is in flight.
 */
class SqliteWorkerDriver implements Driver {
  readonly #path: string;
  readonly #pageCacheKib: number;
  #worker: Worker | null = null;
  readonly #pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  #queue: Promise<void> = Promise.resolve();
  #release: () => void = () => undefined;
  #connection: DatabaseConnection | null = null;

  readonly #isClosed: () => boolean;

  constructor(path: string, pageCacheKib: number, isClosed: () => boolean) {
    this.#path = path;
    this.#pageCacheKib = pageCacheKib;
    this.#isClosed = isClosed;
  }

  init(): Promise<void> {
    if (this.#isClosed()) return Promise.reject(new Error('the database is closed'));
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.#path, driver, pageCacheKib: this.#pageCacheKib } });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.#pending.get(reply.id);
      if (waiting === undefined) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.error) waiting.reject(new SqliteWorkerError(reply.error.message, reply.error.code));
      else waiting.resolve(reply);
    });
    const failAll = (error: Error) => {
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
      this.#worker = null;
    };
    worker.on('error', failAll);
    worker.on('exit', () => failAll(new Error('the SQLite worker thread stopped')));
    this.#worker = worker;
    this.#connection = { executeQuery: (query) => this.#execute(query), streamQuery: (query) => this.#stream(query) };
    return Promise.resolve();
  }

  /** The one connection, to one user at a time (a transaction holds it from begin to commit). */
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue;
    let release = () => undefined as void;
    this.#queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.#release = release;
    if (this.#connection === null) throw new Error('the SQLite worker connection is closed');
    return this.#connection;
  }

  releaseConnection(): Promise<void> {
    this.#release();
    return Promise.resolve();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    const worker = this.#worker;
    this.#connection = null;
    if (worker === null) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage({ id: -1, sql: null, parameters: [] });
    await exited;
  }

  async #execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const worker = this.#worker;
    if (worker === null) throw new Error('the SQLite worker thread stopped');
    const id = this.#nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, sql: query.sql, parameters: query.parameters });
    });
    if (reply.rows !== undefined) return { rows: reply.rows as R[] };
    return {
      rows: [],
      ...(reply.changes !== undefined ? { numAffectedRows: BigInt(reply.changes) } : {}),
      ...(reply.lastInsertRowid !== undefined ? { insertId: BigInt(reply.lastInsertRowid) } : {}),
    };
  }

  async *#stream<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.#execute<R>(query);
  }
}

/**
 * A Kysely instance whose one SQLite connection lives in a worker thread (SqliteWorkerDriver):
 * for long statements (the sync's writes, the SQL engines' reads) that must not hold the event
 * loop. Destroy it when done; `isClosed` says when it must not start its thread any more (the
 * database handle it serves was closed before it was ever used).
 */
export function createWorkerKysely(path: string, pageCacheKib: number, isClosed: () => boolean = () => false): Kysely<Database> {
  const dialect: Dialect = {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new SqliteWorkerDriver(path, pageCacheKib, isClosed),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
  return new Kysely<Database>({ dialect });
}
