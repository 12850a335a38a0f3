import { createApplication, type Application } from '../app/application.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';

/** What a command prints for people; stdout stays clean for values meant for scripts (tokens). */
export const say = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

/**
 * Loads the configuration, builds the application, runs the command and always closes the
 * database. One-shot commands log only warnings: they print what they did themselves.
 */
export async function withApplication<T>(work: (app: Application) => Promise<T>): Promise<T> {
  const config = loadConfig(undefined, { defaultLogLevel: 'warn' });
  const app = createApplication(config, { logger: createLogger(config.logLevel) });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

export function parsePositiveInteger(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < 1 || parsed > max) {
      throw new Error(`${name} must be a whole number between 1 and ${max}, got "${value}"`);
    }
    return parsed;
  };
}
