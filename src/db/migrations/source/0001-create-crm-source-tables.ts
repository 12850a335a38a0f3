import type { Kysely } from 'kysely';
import type { DialectSchema } from '../../dialect.js';
import type { VersionedMigration } from '../migration.js';

/**
 * The CRM's own tables (SPEC §1), for the embedded demo and for tests: a real deployment already
 * has them. Columns the CRM may leave out get defaults (now, 0). Child tables are indexed on their
 * parent id and on `created_at`, which is what the sync's dirty-id scans and per-lead lookups read.
 */
export const createCrmSourceTables: VersionedMigration = {
  name: '0001-create-crm-source-tables',
  async up(db: Kysely<unknown>, dialect: DialectSchema) {
    const { dateTime, date, flag } = dialect.columnTypes;
    const now = dialect.currentDateTimeDefault();
    const index = (name: string, table: string, columns: string[]) =>
      db.schema.createIndex(name).on(table).columns(columns).execute();

    await dialect
      .addAutoIncrementId(db.schema.createTable('locales'))
      .addColumn('code', 'varchar(8)', (c) => c.notNull())
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('currency', 'char(3)', (c) => c.notNull())
      .addColumn('rate', 'decimal(18, 6)', (c) => c.notNull())
      .execute();

    await dialect
      .addAutoIncrementId(db.schema.createTable('salesmen'))
      .addColumn('name', 'varchar(128)', (c) => c.notNull())
      .addColumn('email', 'varchar(191)')
      .addColumn('active', flag, (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', dateTime, (c) => c.notNull().defaultTo(now))
      .execute();

    await dialect
      .addAutoIncrementId(db.schema.createTable('crm_stages'))
      .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('color', 'varchar(16)', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await dialect
      .addAutoIncrementId(db.schema.createTable('companies'))
      .addColumn('name', 'varchar(191)', (c) => c.notNull())
      .addColumn('locale_id', 'integer', (c) => c.notNull())
      .addColumn('salesman_id', 'integer')
      .addColumn('created_at', dateTime, (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', dateTime)
      .addColumn('deleted_at', dateTime)
      .execute();
    await index('companies_created_at_idx', 'companies', ['created_at']);
    await index('companies_updated_at_idx', 'companies', ['updated_at']);
    await index('companies_deleted_at_idx', 'companies', ['deleted_at']);

    await dialect
      .addAutoIncrementId(db.schema.createTable('prospection_users'))
      .addColumn('company_name', 'varchar(191)', (c) => c.notNull())
      .addColumn('contact_name', 'varchar(191)')
      .addColumn('email', 'varchar(191)')
      .addColumn('locale_id', 'integer', (c) => c.notNull())
      .addColumn('salesman_id', 'integer')
      .addColumn('company_id', 'integer')
      .addColumn('is_disqualified', flag, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', dateTime, (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', dateTime)
      .addColumn('deleted_at', dateTime)
      .execute();
    await index('prospection_users_created_at_idx', 'prospection_users', ['created_at']);
    await index('prospection_users_updated_at_idx', 'prospection_users', ['updated_at']);
    await index('prospection_users_deleted_at_idx', 'prospection_users', ['deleted_at']);
    await index('prospection_users_company_id_idx', 'prospection_users', ['company_id']);

    await dialect
      .addAutoIncrementId(db.schema.createTable('follow_up_data'))
      .addColumn('company_id', 'integer')
      .addColumn('prospect_id', 'integer')
      .addColumn('stage_id', 'integer', (c) => c.notNull())
      .addColumn('product', 'varchar(128)')
      .addColumn('monthly_shipments', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('account_value', 'decimal(14, 2)', (c) => c.notNull().defaultTo(0))
      .addColumn('is_won', flag, (c) => c.notNull().defaultTo(0))
      .addColumn('is_lost', flag, (c) => c.notNull().defaultTo(0))
      .addColumn('won_at', dateTime)
      .addColumn('created_at', dateTime, (c) => c.notNull().defaultTo(now))
      .execute();
    // (parent, id): the current follow-up is the greatest id per parent.
    await index('follow_up_data_company_id_idx', 'follow_up_data', ['company_id', 'id']);
    await index('follow_up_data_prospect_id_idx', 'follow_up_data', ['prospect_id', 'id']);
    await index('follow_up_data_created_at_idx', 'follow_up_data', ['created_at']);

    await dialect
      .addAutoIncrementId(db.schema.createTable('follow_up_comments'))
      .addColumn('company_id', 'integer', (c) => c.notNull())
      .addColumn('salesman_id', 'integer')
      .addColumn('comment', 'text', (c) => c.notNull())
      .addColumn('created_at', dateTime, (c) => c.notNull().defaultTo(now))
      .execute();
    await index('follow_up_comments_company_id_idx', 'follow_up_comments', ['company_id', 'created_at']);
    await index('follow_up_comments_created_at_idx', 'follow_up_comments', ['created_at']);

    await dialect
      .addAutoIncrementId(db.schema.createTable('prospect_follow_up_comments'))
      .addColumn('prospect_id', 'integer', (c) => c.notNull())
      .addColumn('salesman_id', 'integer')
      .addColumn('comment', 'text', (c) => c.notNull())
      .addColumn('created_at', dateTime, (c) => c.notNull().defaultTo(now))
      .execute();
    await index('prospect_follow_up_comments_prospect_id_idx', 'prospect_follow_up_comments', ['prospect_id', 'created_at']);
    await index('prospect_follow_up_comments_created_at_idx', 'prospect_follow_up_comments', ['created_at']);

    await dialect
      .addAutoIncrementId(db.schema.createTable('shipments'))
      .addColumn('company_id', 'integer', (c) => c.notNull())
      .addColumn('created_at', dateTime, (c) => c.notNull().defaultTo(now))
      .execute();
    await index('shipments_company_id_idx', 'shipments', ['company_id']);
    await index('shipments_created_at_idx', 'shipments', ['created_at']);

    await dialect
      .addAutoIncrementId(db.schema.createTable('payment_history'))
      .addColumn('company_id', 'integer', (c) => c.notNull())
      .addColumn('amount', 'decimal(14, 2)', (c) => c.notNull())
      .addColumn('created_at', dateTime, (c) => c.notNull().defaultTo(now))
      .execute();
    await index('payment_history_company_id_idx', 'payment_history', ['company_id']);
    await index('payment_history_created_at_idx', 'payment_history', ['created_at']);

    await dialect
      .addAutoIncrementId(db.schema.createTable('company_monthly_tiers'))
      .addColumn('company_id', 'integer', (c) => c.notNull())
      .addColumn('month', date, (c) => c.notNull())
      .addColumn('tier', 'smallint', (c) => c.notNull())
      .addColumn('created_at', dateTime, (c) => c.notNull().defaultTo(now))
      .execute();
    // (company, month, id): the current tier is the latest month, ties to the greatest id.
    await index('company_monthly_tiers_company_id_idx', 'company_monthly_tiers', ['company_id', 'month', 'id']);
    await index('company_monthly_tiers_created_at_idx', 'company_monthly_tiers', ['created_at']);
  },
};
