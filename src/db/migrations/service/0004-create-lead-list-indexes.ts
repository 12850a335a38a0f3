import { sql, type Kysely } from 'kysely';
import type { DialectSchema } from '../../dialect.js';
import type { VersionedMigration } from '../migration.js';

/**
 * The keyset orders of the lead list (SPEC §10): `created_at, record_type, record_id`, and where the
 * database indexes expressions (SQLite, PostgreSQL) `account_value / locale_rate` in doubles
 * descending, then the same keys. A page then reads its rows from the index in order, from the
 * cursor's position on, instead of sorting every lead. MariaDB cannot index an expression: its
 * `-value_usd` pages sort the filtered leads (docs/analytics.md).
 */
export const createLeadListIndexes: VersionedMigration = {
  name: '0004-create-lead-list-indexes',
  async up(db: Kysely<unknown>, dialect: DialectSchema) {
    await db.schema
      .createIndex('crm_analytics_leads_list_created_idx')
      .on('crm_analytics_leads')
      .columns(['created_at', 'record_type', 'record_id'])
      .execute();
    if (dialect.expressionIndexes) {
      const value = sql`${dialect.asDouble('account_value')} / ${dialect.asDouble('locale_rate')}`;
      await db.schema
        .createIndex('crm_analytics_leads_list_value_idx')
        .on('crm_analytics_leads')
        .expression(sql`(${value}) desc, created_at, record_type, record_id`)
        .execute();
    }
  },
};
