import { Worker } from 'node:worker_threads';
const w = new Worker(new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url), { workerData: { x: 1 }, execArgv: import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : [] });
w.on('message', (m) => { console.log('got', m); void w.terminate(); });
w.on('error', (e) => console.log('error', e.message));
