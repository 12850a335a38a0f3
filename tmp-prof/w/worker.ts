import { parentPort, workerData } from 'node:worker_threads';
import { parseDbDateTime } from '../../src/db/datetime.js';
parentPort!.postMessage({ ok: workerData, t: parseDbDateTime('2026-01-01 00:00:00') });
