/**
 * Event-loop pauses of a serving process during an incremental sync (docs/memory-engine.md): the
 * memory engine holds a loaded store, D leads are made dirty, then `app.sync.run()` runs (the run,
 * the store refresh, the snapshot rebuild) while this measures
 *
 * - `monitorEventLoopDelay` (max, p99),
 * - a 5 ms heartbeat: every gap > --gap ms with its start time (ms since the sync call),
 * - every synchronous better-sqlite3 call (Statement all/get/run/iterate, exec, pragma) longer than
 *   --stmt ms, with its SQL: better-sqlite3 blocks the loop for the whole statement,
 * - GC pauses (PerformanceObserver 'gc') longer than 10 ms,
 * - optionally live requests (--requests N: a non-cacheable analytics query every N ms) and their
 *   latency, and a CPU profile of the sync call (--profile FILE.cpuprofile).
 *
 *   npx tsx bench/sync-pause.ts                        # 1,000,000 leads, 1,000 dirty, rolling 10,000
 *   npx tsx bench/sync-pause.ts --requests 20 --profile /tmp/sync.cpuprofile
 *   options: --leads N  --dirty D  --rolling R  --gap MS (50)  --stmt MS (20)  --requests MS (0 = none)
 *            --profile FILE  --repeat K (1: K incremental syncs, each with D fresh dirty leads)
 *            --batch N (SYNC_BATCH_SIZE)  --pragma P (repeatable: `pragma P` on the pool's connection first, e.g. wal_autocheckpoint=0)
 *
 * Uses the sync bench's database (data/bench/sync-N.sqlite, seeded once); a first run there does
 * the full build (~15 s at 1,000,000) when the service's table is empty.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { createApplication } from '../src/app/application.js';
import { loadConfig } from '../src/config/config.js';
import { databaseNow } from '../src/db/database-clock.js';
import { createLogger } from '../src/logging/logger.js';
import { BENCH_SECRETS, benchDatabaseUrl, seedBenchCrmOnce } from './bench-database.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    dirty: { type: 'string', default: '1000' },
    rolling: { type: 'string', default: '10000' },
    gap: { type: 'string', default: '50' },
    stmt: { type: 'string', default: '20' },
    requests: { type: 'string', default: '0' },
    profile: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    pragma: { type: 'string', multiple: true, default: [] },
    batch: { type: 'string' },
  },
});
const leads = Number(args.leads);
const dirty = Number(args.dirty);
const gapMs = Number(args.gap);
const stmtMs = Number(args.stmt);
const requestEveryMs = Number(args.requests);
const repeat = Number(args.repeat);
const say = (line: string) => process.stdout.write(`${line}\n`);

// ---- every synchronous SQLite call, timed (the clock is performance.now) ----
interface Timed {
  readonly at: number;
  readonly ms: number;
  readonly what: string;
  /** CPU time of the process during a gap, in ms. */
  readonly cpu?: number;
}
let recording = false;
const statements: Timed[] = [];
{
  // Statement's prototype is reachable from a prepared statement of a throwaway database.
  const probe = new BetterSqlite3(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
  probe.close();
  for (const method of ['all', 'get', 'run', 'iterate'] as const) {
    const original = Statement[method] as (this: { source: string }, ...rest: unknown[]) => unknown;
    Statement[method] = function timed(this: { source: string }, ...rest: unknown[]) {
      if (!recording) return original.apply(this, rest);
      const started = performance.now();
      try {
        return original.apply(this, rest);
      } finally {
        const ms = performance.now() - started;
        if (ms >= stmtMs) statements.push({ at: started, ms, what: `${method}: ${this.source}` });
      }
    };
  }
  const Database = (BetterSqlite3 as unknown as { prototype: Record<string, unknown> }).prototype;
  for (const method of ['exec', 'pragma', 'close'] as const) {
    const original = Database[method] as (...rest: unknown[]) => unknown;
    Database[method] = function timed(this: unknown, ...rest: unknown[]) {
      if (!recording) return original.apply(this, rest);
      const started = performance.now();
      try {
        return original.apply(this, rest);
      } finally {
        const ms = performance.now() - started;
        if (ms >= stmtMs) statements.push({ at: started, ms, what: `db.${method}(${typeof rest[0] === 'string' ? rest[0] : ''})` });
      }
    };
  }
}

// ---- GC pauses ----
const gcs: Timed[] = [];
const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak-cb', 16: 'all' };
new PerformanceObserver((list) => {
  if (!recording) return;
  for (const entry of list.getEntries()) {
    const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
    if (entry.duration >= 10) gcs.push({ at: entry.startTime, ms: entry.duration, what: `gc ${GC_KINDS[kind] ?? kind}` });
  }
}).observe({ entryTypes: ['gc'] });

// ---- step marks (performance.mark in the code, if any) ----
const marks: Timed[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) marks.push({ at: entry.startTime, ms: entry.duration, what: entry.name });
}).observe({ entryTypes: ['mark', 'measure'] });

const url = await benchDatabaseUrl('sync', 'sqlite', leads);
const env = {
  DATABASE_URL: url,
  ...BENCH_SECRETS,
  SYNC_ROLLING_SIZE: args.rolling,
  ...(args.batch ? { SYNC_BATCH_SIZE: args.batch } : {}),
  ANALYTICS_ENGINE: 'memory',
  ANALYTICS_POLL_MS: '0',
  LOG_LEVEL: 'warn',
};
const app = createApplication(loadConfig(env), { logger: createLogger('warn') });
try {
  await seedBenchCrmOnce(app, env, leads, ['--now', '2026-06-01T00:00:00Z']);
  const latest = await app.database.db.selectFrom('crm_analytics_sync_log').select('id').where('status', '=', 'ok').executeTakeFirst();
  if (latest === undefined) {
    const started = performance.now();
    await app.sync.run();
    say(`full build (no ok run yet): ${Math.round(performance.now() - started)} ms`);
  }
  say(`sync pause: sqlite, ${leads.toLocaleString('en-US')} leads, dirty ${dirty}, rolling ${args.rolling}, SYNC_BATCH_SIZE ${app.config.sync.batchSize}; load ${loadAverage()}`);
  for (const pragma of args.pragma) say(`pragma ${pragma}: ${JSON.stringify((await sql.raw(`pragma ${pragma}`).execute(app.database.db)).rows)}`);
  app.startBackgroundWork();
  const started = performance.now();
  await app.memoryEngine?.whenIdle();
  say(`store loaded: ${Math.round(performance.now() - started)} ms, ${JSON.stringify(app.memoryEngine?.status().leads)} leads`);

  for (let round = 1; round <= repeat; round++) {
    await makeDirty(dirty, round);
    await settle();
    const result = await measured(round);
    say(`round ${round}: ${JSON.stringify(result)}`);
  }
} finally {
  recording = false;
  await app.close();
}

/** D distinct leads get a comment stamped now (as bench/sync-bench.ts does), a different set each round. */
async function makeDirty(count: number, round: number): Promise<void> {
  const picked = await app.database.db
    .selectFrom('crm_analytics_leads')
    .select(['record_type', 'record_id'])
    .orderBy(sql`(record_id * 7919 + ${round * 104729}) % 1000003`)
    .limit(count)
    .execute();
  const now = await databaseNow(app.database.db, app.database.dialect);
  const companies = picked.filter((key) => key.record_type === 'company');
  const prospects = picked.filter((key) => key.record_type === 'prospect');
  if (companies.length > 0) {
    await app.database.db
      .insertInto('follow_up_comments')
      .values(companies.map((key) => ({ company_id: key.record_id, salesman_id: null, comment: 'bench', created_at: now })))
      .execute();
  }
  if (prospects.length > 0) {
    await app.database.db
      .insertInto('prospect_follow_up_comments')
      .values(prospects.map((key) => ({ prospect_id: key.record_id, salesman_id: null, comment: 'bench', created_at: now })))
      .execute();
  }
}

/** A moment for the GC and the loop to settle, so the measurement starts clean. */
async function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
}

async function measured(round: number) {
  statements.length = 0;
  gcs.length = 0;
  marks.length = 0;
  const gaps: Timed[] = [];
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let lastUsage = process.resourceUsage();
  const heartbeat = setInterval(() => {
    const now = performance.now();
    const usage = process.resourceUsage();
    if (now - last > gapMs) {
      // CPU time of the process (all threads) in the gap, and the times the kernel took the CPU
      // away: a gap with little CPU is the machine's other load, not this process's work.
      const cpu = (usage.userCPUTime + usage.systemCPUTime - lastUsage.userCPUTime - lastUsage.systemCPUTime) / 1000;
      const preempted = usage.involuntaryContextSwitches - lastUsage.involuntaryContextSwitches;
      gaps.push({ at: last, ms: now - last, cpu, what: `gap (cpu ${cpu.toFixed(0)} ms, preempted ${preempted}×)` });
    }
    last = now;
    lastUsage = usage;
  }, 5);
  // Open loop: request i is due at start + i × every, whatever came before; its latency counts
  // from when it was due, so a request "arriving" during a blocked loop waits for the block.
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const requestsStart = performance.now();
  let sent = 0;
  const sender =
    requestEveryMs > 0
      ? setInterval(() => {
          const now = performance.now();
          while (requestsStart + sent * requestEveryMs <= now) {
            const due = requestsStart + sent * requestEveryMs;
            sent += 1;
            // Not cacheable (a salesman filter): computed live by the engine, as a dashboard filter would be.
            pending.push(
              app.analytics
                .query({ dateRange: { startDate: '2025-06-01', endDate: '2026-05-31' }, salesman: 1 + (sent % 20) })
                .then(() => void latencies.push(performance.now() - due)),
            );
          }
        }, 1)
      : null;
  const session = args.profile ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
  }
  // The profile's clock (µs, monotonic) against performance.now(): for placing the gaps in it.
  const hrAtZero = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
  histogram.enable();
  recording = true;
  const t0 = performance.now();
  const result = await app.sync.run();
  const total = performance.now() - t0;
  recording = false;
  histogram.disable();
  clearInterval(heartbeat);
  if (sender) clearInterval(sender);
  await Promise.all(pending);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    const file = repeat > 1 ? args.profile!.replace(/(\.cpuprofile)?$/, `-${round}.cpuprofile`) : args.profile!;
    writeFileSync(file, JSON.stringify(profile));
    writeFileSync(`${file}.gaps.json`, JSON.stringify({ hrAtZero, t0, gaps, statements, gcs, marks }));
    session.disconnect();
    say(`profile: ${file} (+ .gaps.json)`);
  }
  const rel = (t: Timed) => `${String(Math.round(t.at - t0)).padStart(6)} ms  ${t.ms.toFixed(0).padStart(5)} ms  ${t.what}`;
  say(`--- round ${round}: sync.run() ${Math.round(total)} ms (the run itself ${'durationMs' in result ? result.durationMs : '?'} ms); load ${loadAverage()}`);
  say(`event loop delay: max ${(histogram.max / 1e6).toFixed(0)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(0)} ms, mean ${(histogram.mean / 1e6).toFixed(1)} ms`);
  say(`heartbeat gaps > ${gapMs} ms (start since the call, length):`);
  for (const gap of gaps) say(`  ${rel(gap)}`);
  say(`SQLite calls ≥ ${stmtMs} ms:`);
  for (const statement of statements) say(`  ${rel({ ...statement, what: statement.what.replace(/\s+/g, ' ').slice(0, 160) })}`);
  say(`GC pauses ≥ 10 ms:`);
  for (const gc of gcs) say(`  ${rel(gc)}`);
  // Marks arrive in batches: let the last ones in, then keep those of this call.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const callMarks = marks.filter((mark) => mark.at >= t0 && mark.at <= t0 + total);
  if (callMarks.length > 0) {
    say('marks and measures (performance.mark/measure in the code):');
    for (const mark of callMarks) say(`  ${rel(mark)}`);
  }
  if (latencies.length > 0) {
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))]!.toFixed(0);
    say(`requests: ${latencies.length}, p50 ${q(50)} ms, p99 ${q(99)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`);
  }
  const longest = gaps.reduce((max, gap) => Math.max(max, gap.ms), 0);
  // The most CPU this process spent in one gap: what the code holds the loop for on an idle machine.
  const mostCpu = gaps.reduce((max, gap) => Math.max(max, gap.cpu ?? 0), 0);
  return { totalMs: Math.round(total), loopMaxMs: Math.round(histogram.max / 1e6), longestGapMs: Math.round(longest), mostCpuInOneGapMs: Math.round(mostCpu) };
}

function loadAverage(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}
