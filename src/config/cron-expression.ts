import { Cron } from 'croner';

/**
 * Why `expression` is not a cron expression croner can schedule (5 fields, or 6 with seconds,
 * `@hourly`-style nicknames); null when it is. Checked when the configuration loads, so a bad
 * SYNC_CRON stops start-up instead of silently never running.
 */
export function cronExpressionProblem(expression: string): string | null {
  try {
    new Cron(expression, { paused: true }).stop();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
