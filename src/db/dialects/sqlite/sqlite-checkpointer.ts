import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker copies the WAL back into the database file. */
const CHECKPOINT_EVERY_MS = 250;

/**
 * The worker: its own connection, a PASSIVE checkpoint (never waits for readers or writers) every
 * CHECKPOINT_EVERY_MS, a last one when told to stop. CommonJS, as an eval'd worker is.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 10000');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); });
`;

/**
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages, on the
 * committing connection: with better-sqlite3 that is the event loop, for 80–120 ms per sync chunk
 * at 1,000,000 leads (bench/sync-pause.ts). The pool's connection turns it off and this worker
 * thread checkpoints instead, off the event loop. Returns the stop (a last checkpoint, then close);
 * `onFailure` runs if the worker ends on its own.
 */
export function startWalCheckpointer(path: string, onFailure: () => void): () => Promise<void> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, everyMs: CHECKPOINT_EVERY_MS } });
  worker.unref();
  let stopping: Promise<void> | undefined;
  let exited = false;
  // A worker that could not start or died: the caller turns SQLite's own checkpoints back on.
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    exited = true;
    if (stopping === undefined) onFailure();
  });
  return () =>
    (stopping ??= new Promise<void>((resolve) => {
      if (exited) return resolve();
      worker.once('exit', () => resolve());
      // Kept alive until its last checkpoint and close are done (the caller waits for them).
      worker.ref();
      worker.postMessage('stop');
    }));
}
