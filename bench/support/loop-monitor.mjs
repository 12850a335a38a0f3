/**
 * Preloaded into a benchmarked server (`node --import ./bench/support/loop-monitor.mjs …`): Node's
 * event-loop delay histogram, printed to stderr as one `LOOP {…}` line (ms) and reset on SIGUSR2.
 * The same measure for any version of the server, with or without /metrics.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const line = { max: ms(histogram.max), p99: ms(histogram.percentile(99)), mean: ms(histogram.mean), samples: histogram.count };
  process.stderr.write(`LOOP ${JSON.stringify(line)}\n`);
  histogram.reset();
});
