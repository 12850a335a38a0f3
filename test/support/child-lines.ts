import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The lines a child process prints (on stdout unless told), with a way to wait for one. */
export interface ChildLines {
  readonly lines: readonly string[];
  /** Resolves with the first line (already printed or to come) that `matches`; rejects on timeout or exit. */
  waitFor(matches: string | ((line: string) => boolean), timeoutMs?: number): Promise<string>;
}

export function childLines(child: ChildProcess, { stream = 'stdout' }: { stream?: 'stdout' | 'stderr' } = {}): ChildLines {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let exited = false;
  let stderr = '';
  if (stream === 'stdout') child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  createInterface({ input: child[stream]! }).on('line', (line) => {
    lines.push(line);
    for (const wake of [...waiters]) wake();
  });
  child.once('exit', () => {
    exited = true;
    for (const wake of [...waiters]) wake();
  });

  return {
    lines,
    waitFor(matches, timeoutMs = 60_000) {
      const test = typeof matches === 'string' ? (line: string) => line === matches : matches;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for a line; got ${JSON.stringify(lines)} ${stderr}`)), timeoutMs);
        const finish = (error: Error | null, line?: string) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(line!);
        };
        const check = () => {
          const found = lines.find(test);
          if (found !== undefined) finish(null, found);
          else if (exited) finish(new Error(`the process exited without printing it; got ${JSON.stringify(lines)} ${stderr}`));
        };
        waiters.add(check);
        check();
      });
    },
  };
}
