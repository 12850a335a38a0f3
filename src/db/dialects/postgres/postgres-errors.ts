import { errorCode, type DialectErrors } from '../../dialect.js';

const RETRYABLE_SQLSTATES = new Set<string | number>([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
]);

export const postgresErrors: DialectErrors = {
  isRetryable(error) {
    const code = errorCode(error);
    return code !== undefined && RETRYABLE_SQLSTATES.has(code);
  },
};
