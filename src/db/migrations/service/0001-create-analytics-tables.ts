import type { Kysely } from 'kysely';
import type { DialectSchema } from '../../dialect.js';
import type { VersionedMigration } from '../migration.js';

/** The three tables of SPEC §2. */
export const createAnalyticsTables: VersionedMigration = {
  name: '0001-create-analytics-tables',
  async up(db: Kysely<unknown>, dialect: DialectSchema) {
    const { dateTime, date, flag, largeText } = dialect.columnTypes;

    await db.schema
      .createTable('crm_analytics_leads')
      .addColumn('record_type', 'varchar(8)', (c) => c.notNull())
      .addColumn('record_id', 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(191)', (c) => c.notNull())
      .addColumn('salesman_id', 'integer')
      .addColumn('salesman_name', 'varchar(128)')
      .addColumn('locale_id', 'integer', (c) => c.notNull())
      .addColumn('locale_rate', 'decimal(18, 6)', (c) => c.notNull())
      .addColumn('tier', 'smallint')
      .addColumn('stage_id', 'integer', (c) => c.notNull())
      .addColumn('stage_name', 'varchar(64)', (c) => c.notNull())
      .addColumn('stage_color', 'varchar(16)', (c) => c.notNull())
      .addColumn('product', 'varchar(128)')
      .addColumn('monthly_shipments', 'integer', (c) => c.notNull())
      .addColumn('account_value', 'decimal(14, 2)', (c) => c.notNull())
      .addColumn('is_won', flag, (c) => c.notNull())
      .addColumn('is_lost', flag, (c) => c.notNull())
      .addColumn('won_at', dateTime)
      .addColumn('closing_days', 'integer')
      .addColumn('has_shipment', flag, (c) => c.notNull())
      .addColumn('has_recharge', flag, (c) => c.notNull())
      .addColumn('last_activity_at', dateTime)
      .addColumn('created_at', dateTime, (c) => c.notNull())
      .addColumn('synced_at', dateTime, (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_analytics_leads_pkey', ['record_type', 'record_id'])
      .execute();
    // Date ranges scan by created_at; the rolling refresh takes the oldest synced_at.
    await db.schema.createIndex('crm_analytics_leads_created_at_idx').on('crm_analytics_leads').column('created_at').execute();
    await db.schema.createIndex('crm_analytics_leads_synced_at_idx').on('crm_analytics_leads').column('synced_at').execute();
    await db.schema.createIndex('crm_analytics_leads_won_at_idx').on('crm_analytics_leads').column('won_at').execute();
    await db.schema
      .createIndex('crm_analytics_leads_locale_salesman_idx')
      .on('crm_analytics_leads')
      .columns(['locale_id', 'salesman_id'])
      .execute();

    await dialect
      .addAutoIncrementId(db.schema.createTable('crm_analytics_sync_log'))
      .addColumn('started_at', dateTime, (c) => c.notNull())
      .addColumn('finished_at', dateTime)
      .addColumn('watermark', dateTime)
      .addColumn('dirty_count', 'integer')
      .addColumn('rolling_count', 'integer')
      .addColumn('upserted_count', 'integer')
      .addColumn('deleted_count', 'integer')
      .addColumn('duration_ms', 'integer')
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('error', 'text')
      .execute();
    await db.schema
      .createIndex('crm_analytics_sync_log_status_idx')
      .on('crm_analytics_sync_log')
      .columns(['status', 'id'])
      .execute();

    await db.schema
      .createTable('crm_analytics_snapshots')
      .addColumn('cache_key', 'char(32)', (c) => c.primaryKey())
      .addColumn('preset', 'varchar(8)')
      .addColumn('start_date', date)
      .addColumn('end_date', date)
      .addColumn('locale_ids', 'varchar(1024)', (c) => c.notNull())
      .addColumn('payload', largeText, (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('built_at', dateTime, (c) => c.notNull())
      .execute();
  },
};
