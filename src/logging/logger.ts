import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

export type { Logger };

/**
 * Structured JSON logs. Authorization headers and tokens are redacted wherever they appear, so a
 * log line never carries a credential.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'crm-analytics' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.token', 'token', 'req.query.token'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
