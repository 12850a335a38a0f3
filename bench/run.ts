/**
 * `npm run bench`: every benchmark, one after the other, each in its own process (so each one's
 * memory figures are its own), printing figures (never asserting). docs/benchmarks.md has the
 * results and what each measures. Sizes can be lowered for a quick look:
 *
 *   BENCH_LEADS=20000 npm run bench        (every size becomes 20,000 leads)
 *
 * Defaults: demo generation, sync and the pauses during a sync at 1,000,000 leads; the engines side by side at 100,000 and
 * 1,000,000; the load test at 100,000 (SQLite, 50 connections × 20 s, syncs every 3 s); the
 * operations bench at 1,000,000 (snapshot hits as browsers ask, 304s, a sync under load) and a
 * server's first seconds on the same database.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const override = process.env.BENCH_LEADS;
const size = (fallback: string) => override ?? fallback;

const benchmarks: [string, string, string[]][] = [
  ['demo CRM generation', 'bench/seed-bench.ts', [size('1000000')]],
  ['sync', 'bench/sync-bench.ts', ['--leads', size('1000000')]],
  ['event-loop pauses during a sync', 'bench/sync-pause.ts', ['--leads', size('1000000'), '--repeat', '2']],
  ['analytics engines', 'bench/engine-bench.ts', ['--leads', size('100000,1000000')]],
  ['trends (week buckets over all time, each single filter)', 'bench/trends-bench.ts', ['--leads', size('1000000')]],
  ['load', 'bench/load.ts', ['--leads', size('100000')]],
  ['operations (browsers, revalidation, a sync under load)', 'bench/ops-bench.ts', ['--leads', size('1000000')]],
  ['startup (live requests and /health while the memory store loads)', 'bench/startup-bench.ts', ['--leads', size('1000000')]],
  ['the leads behind a number (pages, CSV export)', 'bench/lead-list-bench.ts', ['--leads', size('1000000')]],
  ['stage history (sync with visits, GET …/stages per filter)', 'bench/stage-history-bench.ts', ['--leads', size('1000000')]],
  ['CSV formatting in-process (memory engine, before/after)', 'bench/lead-csv-format.ts', ['--leads', size('1000000')]],
];

let failed = 0;
for (const [name, script, args] of benchmarks) {
  process.stdout.write(`\n#### ${name}: ${script} ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, ['--import', tsx, `${ROOT}${script}`, ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    process.stdout.write(`#### ${name} exited with ${result.status ?? result.signal}\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
