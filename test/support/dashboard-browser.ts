import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from '@hapi/hapi';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Application } from '../../src/app/application.js';
import { createServer } from '../../src/http/server.js';
import { runCli } from './run-cli.js';
import { createTestApplication, TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, testDialects, type TestApplication } from './test-application.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Debian's Chromium (`apt-get install chromium`); the browser tests skip, with a notice, without it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function skipNotice(suite: string): void {
  if (!chromiumAvailable()) {
    process.stdout.write(`\n[browser] skipped ${suite}: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)\n`);
  }
}

/** Where screenshots and other artifacts go (git-ignored). */
export const ARTIFACTS_DIRECTORY = join(ROOT, 'test-results');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium on a fresh, throw-away profile. */
export async function launchBrowser(): Promise<BrowserSession> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'crm-dashboard-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// ---- the dashboard build ----------------------------------------------------------------------

const BUILD_INPUTS = ['ui/index.html', 'ui/vite.config.ts', 'ui/src', 'ui/public', 'src/domain', 'package-lock.json'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => filesUnder(join(path, entry)));
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const input of BUILD_INPUTS) {
    for (const file of filesUnder(join(ROOT, input))) {
      hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve();
    });
  });
}

/**
 * A production build of the dashboard from the current sources, reused while they do not change:
 * the browser tests never run against a stale `ui/dist`.
 */
export async function ensureDashboardBuild(): Promise<string> {
  const builds = join(ARTIFACTS_DIRECTORY, 'dashboard-build');
  const target = join(builds, sourceHash());
  if (existsSync(join(target, 'index.html'))) return target;
  mkdirSync(builds, { recursive: true });
  const scratch = mkdtempSync(join(builds, 'tmp-'));
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await run(process.execPath, [vite, 'build', '--config', 'ui/vite.config.ts', '--outDir', scratch, '--emptyOutDir', '--logLevel', 'warn'], {
    ...process.env,
    NODE_ENV: 'production',
  });
  try {
    renameSync(scratch, target);
  } catch (error) {
    // Another test file built the same sources at the same time: keep theirs.
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(join(target, 'index.html'))) throw error;
  }
  return target;
}

// ---- the server -------------------------------------------------------------------------------

/** Ports this checkout's tests may listen on: TEST_HTTP_PORTS=3300-3399 (the default). */
function portRange(): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(process.env.TEST_HTTP_PORTS ?? '3300-3399');
  if (!match) throw new Error('TEST_HTTP_PORTS must look like 3300-3399');
  return [Number(match[1]), Number(match[2])];
}

export interface RunningServer {
  readonly server: Server;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** The real server (every plugin) on the first free port of the range, serving `dashboardDirectory`. */
export async function startServer(
  app: Application,
  dashboardDirectory: string,
  configure?: (server: Server) => void | Promise<void>,
): Promise<RunningServer> {
  const [first, last] = portRange();
  // Spread the files of one run over the range so they rarely try the same port first.
  const offset = process.pid % (last - first + 1);
  for (let attempt = 0; attempt <= last - first; attempt += 1) {
    const port = first + ((offset + attempt) % (last - first + 1));
    const server = await createServer(app, { port, host: '127.0.0.1', dashboardDirectory });
    await configure?.(server);
    try {
      await server.start();
      return { server, baseUrl: `http://127.0.0.1:${port}`, stop: () => server.stop({ timeout: 1000 }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`no free port in ${first}-${last}`);
}

// ---- a whole dashboard under test -------------------------------------------------------------

/**
 * What every end-to-end test of the dashboard starts from: a test application on SQLite (or the
 * first dialect configured), filled by `prepare`, the real server serving the production build of
 * the dashboard, and headless Chromium in front.
 */
export interface DashboardUnderTest {
  readonly app: TestApplication;
  /** The server's address (`http://127.0.0.1:PORT`). */
  readonly baseUrl: string;
  /** A new page of the browser at `path` of the server, waiting 20 s at most for anything. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startDashboardUnderTest(options: {
  /** The application's environment besides the test defaults (CRM_TIMEZONE …). */
  readonly env?: Record<string, string>;
  /** Fills the database before the server starts. */
  readonly prepare: (app: TestApplication) => Promise<void>;
  /** Adds to the server before it starts (an extension that records requests …). */
  readonly configure?: (server: Server) => void | Promise<void>;
}): Promise<DashboardUnderTest> {
  const built = await ensureDashboardBuild();
  const target = testDialects().find((entry) => entry.dialect === 'sqlite') ?? testDialects()[0]!;
  const app = await createTestApplication(target, options.env ? { env: options.env } : {});
  let running: RunningServer | undefined;
  let browser: BrowserSession | undefined;
  const close = async () => {
    await browser?.close();
    await running?.stop();
    await app.dispose();
  };
  try {
    await options.prepare(app);
    running = await startServer(app, built, options.configure);
    browser = await launchBrowser();
  } catch (error) {
    await close();
    throw error;
  }
  const { baseUrl } = running;
  const { context } = browser;
  return {
    app,
    baseUrl,
    async openPage(path) {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto(`${baseUrl}${path}`);
      return page;
    },
    close,
  };
}

/**
 * `crm-analytics <command>` for each of `commands` in turn, on the application's database with the
 * test secrets and `env`; the first that fails throws with its stderr.
 */
export async function runCliSteps(app: TestApplication, commands: readonly (readonly string[])[], env: Record<string, string> = {}): Promise<void> {
  const cliEnv = { DATABASE_URL: app.scratch.databaseUrl, JWT_SECRET: TEST_JWT_SECRET, CRON_JWT_SECRET: TEST_CRON_JWT_SECRET, ...env };
  for (const args of commands) {
    const result = await runCli(args, { env: cliEnv });
    if (result.code !== 0) throw new Error(`crm-analytics ${args.join(' ')} failed: ${result.stderr}`);
  }
}
