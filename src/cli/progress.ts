/**
 * Progress of long work on stderr: a redrawn bar on a terminal, a line every tenth otherwise
 * (so CI logs and pipes stay readable).
 */
export interface ProgressReporter {
  update(done: number): void;
  finish(summary?: string): void;
}

export function createProgressReporter(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const started = performance.now();
  const interactive = stream.isTTY;
  let lastDraw = 0;
  let lastTenth = -1;

  const line = (done: number): string => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const eta = done > 0 && fraction < 1 ? ` eta ${Math.ceil((seconds / done) * (total - done))}s` : '';
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = interactive ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
    return `${label} ${bar}${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.floor(fraction * 100)}%) ${rate.toLocaleString('en-US')}/s${eta}`;
  };

  return {
    update(done) {
      const now = performance.now();
      if (interactive) {
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        stream.write(`\r${line(done)}\u001b[K`);
        return;
      }
      const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${line(done)}\n`);
      }
    },
    finish(summary) {
      if (interactive) stream.write('\r\u001b[K');
      if (summary) stream.write(`${summary}\n`);
    },
  };
}
