/**
 * Demo CRM generation: wall time and peak RSS of `crm-analytics seed --leads N` into a fresh
 * embedded SQLite file, run as its own process (as a user runs it).
 *
 *   npm run bench:seed -- 1000000        (default: 100000)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function benchSeed(leads: number): { leads: number; seconds: number; peakRssMiB: number; fileMiB: number } {
  const directory = mkdtempSync(join(tmpdir(), 'crm-seed-bench-'));
  try {
    const started = performance.now();
    // GNU time reports the child's peak RSS in KiB on stderr (last line, -f format).
    const child = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(ROOT, 'dist/cli/run.js'), 'seed', '--leads', String(leads)], {
      cwd: directory,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    const seconds = (performance.now() - started) / 1000;
    if (child.status !== 0) throw new Error(`seed failed: ${child.stderr}`);
    const peakKiB = Number(child.stderr.trim().split('\n').at(-1));
    const fileMiB = statSync(join(directory, 'data/crm-analytics.sqlite')).size / 2 ** 20;
    return { leads, seconds, peakRssMiB: peakKiB / 1024, fileMiB };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const leads = Number(process.argv[2] ?? 100_000);
  const result = benchSeed(leads);
  console.log(
    `seed ${result.leads.toLocaleString('en-US')} leads: ${result.seconds.toFixed(1)} s, ` +
      `peak RSS ${result.peakRssMiB.toFixed(0)} MiB, database ${result.fileMiB.toFixed(0)} MiB`,
  );
}
