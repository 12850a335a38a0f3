/**
 * `npm run bench`: every benchmark, one after the other, printing figures (never asserting).
 * Sizes can be lowered for a quick look: BENCH_LEADS=20000 npm run bench
 */
import { benchSeed } from './seed-bench.js';

const leads = Number(process.env.BENCH_LEADS ?? 1_000_000);

const seed = benchSeed(leads);
console.log(
  `seed ${seed.leads.toLocaleString('en-US')} leads: ${seed.seconds.toFixed(1)} s, peak RSS ${seed.peakRssMiB.toFixed(0)} MiB, database ${seed.fileMiB.toFixed(0)} MiB`,
);
