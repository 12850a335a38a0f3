import type { Kysely } from 'kysely';
import type { DialectSchema } from '../../dialect.js';
import type { VersionedMigration } from '../migration.js';

/**
 * `crm_analytics_stage_visits` (SPEC §12): a lead's follow-ups in `id` order, consecutive rows of
 * one stage merged into a visit. The sync owns it, beside `crm_analytics_leads` (src/sync/). The
 * primary key (record_type, record_id, seq) is also how every reader reaches a lead's visits: the
 * sync deletes and rewrites a lead's visits through it, the engines join it to the leads on it.
 */
export const createStageVisits: VersionedMigration = {
  name: '0003-create-stage-visits',
  async up(db: Kysely<unknown>, dialect: DialectSchema) {
    const { dateTime } = dialect.columnTypes;
    await db.schema
      .createTable('crm_analytics_stage_visits')
      .addColumn('record_type', 'varchar(8)', (c) => c.notNull())
      .addColumn('record_id', 'integer', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('stage_id', 'integer', (c) => c.notNull())
      .addColumn('entered_at', dateTime, (c) => c.notNull())
      .addColumn('left_at', dateTime)
      .addPrimaryKeyConstraint('crm_analytics_stage_visits_pkey', ['record_type', 'record_id', 'seq'])
      .execute();
  },
};
