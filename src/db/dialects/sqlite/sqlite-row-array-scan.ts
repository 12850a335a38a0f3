import type BetterSqlite3 from 'better-sqlite3';
import type { RowArrayScan } from '../../dialect.js';

/**
 * Rows per chunk: small enough that a chunk's arrays die young (cheap for the GC) and that a
 * chunk blocks the event loop for a few tens of milliseconds; large enough that the per-query
 * cost vanishes.
 */
const CHUNK_ROWS = 25_000;

/**
 * SQLite's scan: one walk of the table in rowid order, a chunk of rowids at a time, with
 * better-sqlite3's raw mode handing back an array per row instead of an object (about half the
 * cost for millions of rows). Runs on the connection of a read transaction, so every chunk sees
 * the same snapshot.
 */
export function rowArrayScanOn(connection: BetterSqlite3.Database): RowArrayScan {
  return async (table, expressions, onChunk) => {
    const quoted = `"${table.replaceAll('"', '""')}"`;
    const bounds = connection.prepare(`select min(rowid) as low, max(rowid) as high from ${quoted}`).get() as {
      low: number | null;
      high: number | null;
    };
    if (bounds.low === null || bounds.high === null) return;
    const statement = connection
      .prepare(`select ${expressions.join(', ')} from ${quoted} where rowid >= ? and rowid < ? order by rowid`)
      .raw(true);
    for (let from = bounds.low; from <= bounds.high; from += CHUNK_ROWS) {
      onChunk(statement.all(from, from + CHUNK_ROWS) as unknown[][]);
      // Requests waiting for this process's event loop get their turn between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}
