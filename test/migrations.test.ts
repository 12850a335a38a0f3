import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations/migrate.js';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-databases.js';
import { testDialects } from './support/test-application.js';

/** SPEC §1 and §2, column for column. */
const SOURCE_SCHEMA: Record<string, string[]> = {
  locales: ['id', 'code', 'name', 'currency', 'rate'],
  salesmen: ['id', 'name', 'email', 'active', 'created_at'],
  crm_stages: ['id', 'name', 'color', 'position'],
  companies: ['id', 'name', 'locale_id', 'salesman_id', 'created_at', 'updated_at', 'deleted_at'],
  prospection_users: [
    'id', 'company_name', 'contact_name', 'email', 'locale_id', 'salesman_id', 'company_id', 'is_disqualified',
    'created_at', 'updated_at', 'deleted_at',
  ],
  follow_up_data: [
    'id', 'company_id', 'prospect_id', 'stage_id', 'product', 'monthly_shipments', 'account_value', 'is_won',
    'is_lost', 'won_at', 'created_at',
  ],
  follow_up_comments: ['id', 'company_id', 'salesman_id', 'comment', 'created_at'],
  prospect_follow_up_comments: ['id', 'prospect_id', 'salesman_id', 'comment', 'created_at'],
  shipments: ['id', 'company_id', 'created_at'],
  payment_history: ['id', 'company_id', 'amount', 'created_at'],
  company_monthly_tiers: ['id', 'company_id', 'month', 'tier', 'created_at'],
};

const SERVICE_SCHEMA: Record<string, string[]> = {
  crm_analytics_leads: [
    'record_type', 'record_id', 'name', 'salesman_id', 'salesman_name', 'locale_id', 'locale_rate', 'tier', 'stage_id',
    'stage_name', 'stage_color', 'product', 'monthly_shipments', 'account_value', 'is_won', 'is_lost', 'won_at',
    'closing_days', 'has_shipment', 'has_recharge', 'last_activity_at', 'created_at', 'synced_at',
  ],
  crm_analytics_sync_log: [
    'id', 'started_at', 'finished_at', 'watermark', 'dirty_count', 'rolling_count', 'upserted_count', 'deleted_count',
    'duration_ms', 'status', 'error',
  ],
  crm_analytics_snapshots: ['cache_key', 'preset', 'start_date', 'end_date', 'locale_ids', 'payload', 'generation', 'built_at'],
  crm_analytics_locks: ['name', 'owner', 'acquired_at', 'expires_at'],
  crm_analytics_stage_visits: ['record_type', 'record_id', 'seq', 'stage_id', 'entered_at', 'left_at'],
};

const BOOKKEEPING = /^crm_analytics_(source_)?migrations(_lock)?$/;

async function tableColumns(handle: DatabaseHandle): Promise<Record<string, string[]>> {
  const tables = await handle.db.introspection.getTables();
  return Object.fromEntries(
    tables.filter((table) => !BOOKKEEPING.test(table.name)).map((table) => [table.name, table.columns.map((column) => column.name).sort()]),
  );
}

const sorted = (schema: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(schema).map(([table, columns]) => [table, [...columns].sort()]));

describe.each(testDialects())('migrations on $dialect', (target) => {
  let scratch: ScratchDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    scratch = await createScratchDatabase(target.dialect, target.adminUrl);
    handle = openDatabase(scratch.location, { poolSize: 2 });
  });
  afterAll(async () => {
    await handle.close();
    await scratch.drop();
  });

  it('creates exactly the service tables, then the source tables on request, and is idempotent', async () => {
    const first = await migrateToLatest(handle, { sourceSchema: false });
    expect(first).toEqual([{ set: 'service', applied: ['0001-create-analytics-tables', '0002-create-locks-table', '0003-create-stage-visits', '0004-create-lead-list-indexes'] }]);
    expect(await tableColumns(handle)).toEqual(sorted(SERVICE_SCHEMA));

    const withSource = await migrateToLatest(handle, { sourceSchema: true });
    expect(withSource).toEqual([
      { set: 'source', applied: ['0001-create-crm-source-tables'] },
      { set: 'service', applied: [] },
    ]);
    expect(await tableColumns(handle)).toEqual(sorted({ ...SOURCE_SCHEMA, ...SERVICE_SCHEMA }));

    const again = await migrateToLatest(handle, { sourceSchema: true });
    expect(again.every((report) => report.applied.length === 0)).toBe(true);
    expect(await tableColumns(handle)).toEqual(sorted({ ...SOURCE_SCHEMA, ...SERVICE_SCHEMA }));
  });

  it('lets the CRM leave out ids, flags and created_at, filling them in UTC', async () => {
    const before = Date.now();
    await handle.db.insertInto('companies').values({ name: 'Acme', locale_id: 1 } as never).execute();
    await handle.db.insertInto('follow_up_data').values({ company_id: 1, stage_id: 1 } as never).execute();
    const company = await handle.db.selectFrom('companies').selectAll().executeTakeFirstOrThrow();
    const followUp = await handle.db.selectFrom('follow_up_data').selectAll().executeTakeFirstOrThrow();
    expect(company.id).toBe(1);
    expect(company.updated_at).toBeNull();
    const createdAt = Date.parse(`${company.created_at.replace(' ', 'T')}Z`);
    expect(Math.abs(createdAt - before)).toBeLessThan(60_000);
    expect(followUp).toMatchObject({ monthly_shipments: 0, is_won: 0, is_lost: 0, won_at: null, product: null });
    expect(Number(followUp.account_value)).toBe(0);
  });

  it('keeps datetimes, decimals and dates exactly as written', async () => {
    await handle.db
      .insertInto('locales')
      .values({ id: 7, code: 'CO', name: 'Colombia', currency: 'COP', rate: 4012.123456 })
      .execute();
    await handle.db
      .insertInto('company_monthly_tiers')
      .values({ company_id: 1, month: '2024-02-01', tier: 3, created_at: '2024-02-29 23:59:59.999' })
      .execute();
    const locale = await handle.db.selectFrom('locales').selectAll().where('id', '=', 7).executeTakeFirstOrThrow();
    const tier = await handle.db.selectFrom('company_monthly_tiers').selectAll().executeTakeFirstOrThrow();
    expect(locale.rate).toBe(4012.123456);
    expect(tier.month).toBe('2024-02-01');
    expect(tier.created_at).toBe('2024-02-29 23:59:59.999');
    const clock = await sql<{ now: string }>`select ${handle.dialect.statements.clock()} as now`.execute(handle.db);
    expect(Math.abs(Date.parse(`${clock.rows[0]?.now.replace(' ', 'T')}Z`) - Date.now())).toBeLessThan(60_000);
  });
});
