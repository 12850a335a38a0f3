import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ROOT } from '../bench-database.js';

/**
 * A real `crm-analytics serve` process of this checkout (or of the built checkout at `root`) on
 * 127.0.0.1:`port`, resolved once it listens.
 */
export async function startBenchServer(env: Record<string, string>, port: number, root: string = ROOT): Promise<ChildProcess> {
  const server = spawn(process.execPath, [`${root}bin/crm-analytics.js`, 'serve'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = once(server, 'exit');
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: server.stderr }).on('line', (line) => {
      if (line.startsWith('CRM Analytics is listening')) resolve();
    });
    void exited.then(() => reject(new Error('the server exited before listening')));
  });
  return server;
}
