import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

export type { Logger };

/**
 * A JWT anywhere in a line (`eyJ…` is base64url of `{"`): a token pasted into a query string, an
 * error message or a URL is masked even where no redact path names it.
 */
const JWT_PATTERN = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
export const REDACTED = '[redacted]';

export function maskTokens(line: string): string {
  return line.replace(JWT_PATTERN, REDACTED);
}

/**
 * Structured JSON logs. Authorization headers and token fields are redacted, and anything shaped
 * like a JWT is masked in the written line, so a log line never carries a credential
 * (test/http-hygiene.test.ts checks it).
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'crm-analytics' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.token', 'token', 'req.query.token'],
      censor: REDACTED,
    },
    hooks: { streamWrite: maskTokens },
  };
  return destination ? pino(options, destination) : pino(options);
}
