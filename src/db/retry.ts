import type { SqlDialect } from './dialect.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly attempts?: number;
  /** Delay before the first retry; doubled each time, with jitter. */
  readonly baseDelayMs?: number;
}

/**
 * Runs `work` again when it fails with an error the dialect calls retryable (a deadlock, a
 * serialization failure, a busy SQLite file). `work` must be safe to repeat: a whole transaction.
 */
export async function retryTransient<T>(dialect: SqlDialect, work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 50;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !dialect.errors.isRetryable(error)) throw error;
      const delay = baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
