import { errorCode, type DialectErrors } from '../../dialect.js';

export const sqliteErrors: DialectErrors = {
  isRetryable(error) {
    const code = errorCode(error);
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
  },
};
