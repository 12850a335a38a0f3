import { errorCode, type DialectErrors } from '../../dialect.js';

const RETRYABLE_ERRNOS = new Set<string | number>([
  'ER_LOCK_DEADLOCK', // 1213
  'ER_LOCK_WAIT_TIMEOUT', // 1205
  1213,
  1205,
]);

export const mysqlErrors: DialectErrors = {
  isRetryable(error) {
    const code = errorCode(error);
    return code !== undefined && RETRYABLE_ERRNOS.has(code);
  },
};
