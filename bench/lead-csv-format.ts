/**
 * CSV formatting benchmark (docs/benchmarks.md, "The leads behind a number"): the memory engine
 * writing every lead of the bench CRM as CSV, in-process, without HTTP: the byte writer
 * (src/engine/memory/memory-lead-csv.ts) beside the string writer it replaced
 * (bench/lead-csv-string-baseline.ts, then as the socket would encode it), alternating, and checks
 * that both give the same bytes for every row.
 *
 *   npm run bench:csv-format                      # data/bench/leads-1000000.sqlite (npm run bench:leads makes it)
 *   options: --leads N (1000000)  --runs R (3)  --sort created_at|-value_usd (created_at)  --writers string,bytes (both)
 *
 * Per run: wall time and CPU time (process.cpuUsage: user + system, GC included) of formatting
 * all rows in batches of 1,000 as the export does. Then the export's stream from the lead-list
 * service (chunks, turns of the event loop) read by a sink in this process, with the event loop's
 * delay meanwhile (perf_hooks, 1 ms resolution): what the service alone costs, without HTTP.
 */
import { Buffer } from 'node:buffer';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createApplication } from '../src/app/application.js';
import { loadConfig } from '../src/config/config.js';
import type { LeadStore } from '../src/engine/memory/lead-store.js';
import { csvByteBatches } from '../src/engine/memory/memory-lead-csv.js';
import { createMemoryLeadList, sortByValueDescending, storeValues } from '../src/engine/memory/memory-lead-list.js';
import { createLeadListService } from '../src/lead-list/lead-list-service.js';
import { createLogger } from '../src/logging/logger.js';
import { BENCH_SECRETS, benchDatabaseUrl, ROOT } from './bench-database.js';
import { csvTextBatches } from './lead-csv-string-baseline.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    sort: { type: 'string', default: 'created_at' },
    writers: { type: 'string', default: 'string,bytes' },
  },
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const BATCH_ROWS = 1_000;

const env = {
  DATABASE_URL: await benchDatabaseUrl('leads', 'sqlite', Number(args.leads)),
  ...BENCH_SECRETS,
  ANALYTICS_ENGINE: 'memory',
  LOG_LEVEL: 'warn',
};
const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
try {
  const memory = app.memoryEngine;
  if (memory === null) throw new Error('ANALYTICS_ENGINE=memory gives a memory engine');
  await memory.refresh();
  let loaded: LeadStore | null = null;
  await memory.answer(undefined, (current) => (loaded = current), () => Promise.resolve(null));
  if (loaded === null) throw new Error(`no store: is ${env.DATABASE_URL.replace(ROOT, '')} synced?`);
  const store: LeadStore = loaded;
  const all = new Uint32Array(store.size);
  for (let row = 0; row < all.length; row++) all[row] = row;
  let started = performance.now();
  const values = storeValues(store);
  const valuesMs = performance.now() - started;
  started = performance.now();
  const rows = args.sort === 'created_at' ? all : sortByValueDescending(store, all);
  const sortMs = performance.now() - started;
  const now = Date.now();
  say(`== CSV of ${n(rows.length)} leads (sort=${args.sort}), formatted in-process, batches of ${BATCH_ROWS} rows ==`);
  say(`  first time (cold code): the values ${n(valuesMs)} ms, the order ${n(sortMs)} ms`);

  // The same bytes, row batch by row batch (before timing: a difference stops the bench).
  const strings = csvTextBatches(store, rows, values, now, BATCH_ROWS);
  let batchIndex = 0;
  let totalBytes = 0;
  for (const bytes of csvByteBatches(store, rows, values, now, BATCH_ROWS)) {
    const expected = Buffer.from(strings.next().value ?? '');
    if (!expected.equals(bytes)) throw new Error(`batch ${batchIndex} differs:\n${expected.toString().slice(0, 500)}\n---\n${Buffer.from(bytes).toString().slice(0, 500)}`);
    totalBytes += bytes.length;
    batchIndex++;
  }
  if (!strings.next().done) throw new Error('the string writer has more batches');
  say(`  byte writer = string writer on every row: ${n(totalBytes / 1_048_576)} MiB`);

  const writers: [string, () => void][] = (
    [
      [
        'string',
        'string writer (before) + Buffer.from',
        () => {
          for (const text of csvTextBatches(store, rows, values, now, BATCH_ROWS)) Buffer.from(text);
        },
      ],
      [
        'bytes',
        'byte writer (now)',
        () => {
          for (const bytes of csvByteBatches(store, rows, values, now, BATCH_ROWS)) void bytes;
        },
      ],
    ] as const
  )
    .filter(([key]) => args.writers.split(',').includes(key))
    .map(([, name, write]) => [name, write]);
  for (let run = 1; run <= Number(args.runs); run++) {
    for (const [name, write] of writers) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      write();
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      say(`  run ${run} ${name.padEnd(38)} wall ${n(wall).padStart(6)} ms, CPU ${n((used.user + used.system) / 1000).padStart(6)} ms`);
    }
  }

  const fail = () => Promise.reject(new Error('the memory engine should answer'));
  const service = createLeadListService({
    engine: createMemoryLeadList(memory, { page: fail, exportRows: fail }),
    cursors: { encode: () => '', decode: () => null },
    clock: () => now,
    timeZone: app.config.timezone,
  });
  for (let run = 1; run <= Number(args.runs); run++) {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const cpu = process.cpuUsage();
    const started = performance.now();
    delay.enable();
    const { stream } = await service.csv({ filters: {}, outcome: null, sort: args.sort === 'created_at' ? 'created_at' : '-value_usd', limit: 100, cursor: null, format: 'csv' });
    let bytes = 0;
    let chunks = 0;
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length;
      chunks++;
    }
    delay.disable();
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    say(
      `  run ${run} the service's stream, read in-process: ${n(bytes / 1_048_576)} MiB in ${n(chunks)} chunks, wall ${n(wall)} ms, CPU ${n((used.user + used.system) / 1000)} ms; ` +
        `event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
    );
  }
} finally {
  await app.close();
}
