import type { DialectSnapshots } from '../../dialect.js';
import { inReadOnlySnapshot } from '../../transaction.js';

export const mysqlSnapshots: DialectSnapshots = {
  withReadSnapshot: (db, _connection, work) => inReadOnlySnapshot(db, work),
  // Commits on the server are not announced to clients: every read asks.
  changeProbe: () => null,
};
