import type { Kysely } from 'kysely';
import type { DialectSchema } from '../../dialect.js';
import type { VersionedMigration } from '../migration.js';

/**
 * Named leases for work that must run once at a time across processes (the sync). SQLite has no
 * session locks that die with a connection, so its lock is a row that expires unless its holder
 * renews it; MySQL and PostgreSQL use session locks and leave this table empty.
 */
export const createLocksTable: VersionedMigration = {
  name: '0002-create-locks-table',
  async up(db: Kysely<unknown>, dialect: DialectSchema) {
    const { dateTime } = dialect.columnTypes;
    await db.schema
      .createTable('crm_analytics_locks')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('owner', 'varchar(64)', (c) => c.notNull())
      .addColumn('acquired_at', dateTime, (c) => c.notNull())
      .addColumn('expires_at', dateTime, (c) => c.notNull())
      .execute();
  },
};
