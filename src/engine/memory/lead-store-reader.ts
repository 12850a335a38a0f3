import type { Kysely } from 'kysely';
import { parseDbDateTime } from '../../db/datetime.js';
import { nullableNumberFromDriver, numberFromDriver } from '../../db/driver-numbers.js';
import type { Database, DbDateTime } from '../../db/schema.js';
import type { DataGeneration } from '../../domain/data-generation.js';
import { RECORD_TYPES, type RecordType } from '../../domain/lead.js';
import type { ReadSnapshot } from '../../db/dialect.js';
import type { SyncLogReads } from '../analytics-engine.js';
import { LOST, RECHARGE, SHIPMENT, WON, type LeadKeyChecksum, type LeadStoreBuilder, type LeadValues } from './lead-store.js';

/** Rows per query: bounded memory for the row objects, and the event loop gets a turn between pages. */
const PAGE_ROWS = 20_000;
/** Ids per `in (…)` list of a partial read: within every driver's parameter limit. */
const IDS_PER_QUERY = 1_000;

const LEAD_COLUMNS = [
  'record_type',
  'record_id',
  'name',
  'salesman_id',
  'salesman_name',
  'locale_id',
  'locale_rate',
  'tier',
  'stage_name',
  'stage_color',
  'product',
  'monthly_shipments',
  'account_value',
  'is_won',
  'is_lost',
  'has_shipment',
  'has_recharge',
  'won_at',
  'closing_days',
  'created_at',
] as const;

const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;

/**
 * `round(account_value × 100)`, half away from zero, as the SQL engine sums it: exactly from a
 * DECIMAL's text (MySQL, PostgreSQL), and from SQLite's REAL the way SQLite's `round` does.
 */
export function accountCentsOf(value: unknown): number {
  if (typeof value === 'string') {
    const match = DECIMAL.exec(value);
    if (match) {
      const fraction = (match[3] ?? '').padEnd(3, '0');
      const magnitude = Number(match[2] || '0') * 100 + Number(fraction.slice(0, 2)) + (fraction.charCodeAt(2) >= 53 ? 1 : 0);
      return match[1] === '-' ? -magnitude : magnitude;
    }
  }
  const scaled = numberFromDriver(value) * 100;
  return scaled < 0 ? -Math.floor(-scaled + 0.5) : Math.floor(scaled + 0.5);
}

type LeadRecord = { [K in (typeof LEAD_COLUMNS)[number]]: unknown };

function leadValuesOf(row: LeadRecord): LeadValues {
  const wonAt = row.won_at === null ? Number.NaN : parseDbDateTime(row.won_at as DbDateTime);
  return {
    recordType: row.record_type as RecordType,
    recordId: numberFromDriver(row.record_id),
    name: row.name as string,
    salesmanId: nullableNumberFromDriver(row.salesman_id),
    salesmanName: row.salesman_name as string | null,
    localeId: numberFromDriver(row.locale_id),
    localeRate: numberFromDriver(row.locale_rate),
    tier: nullableNumberFromDriver(row.tier),
    stageName: row.stage_name as string,
    stageColor: row.stage_color as string,
    product: row.product as string | null,
    monthlyShipments: numberFromDriver(row.monthly_shipments),
    accountCents: accountCentsOf(row.account_value),
    isWon: numberFromDriver(row.is_won),
    isLost: numberFromDriver(row.is_lost),
    hasShipment: numberFromDriver(row.has_shipment),
    hasRecharge: numberFromDriver(row.has_recharge),
    wonAt,
    closingDays: row.closing_days === null ? Number.NaN : numberFromDriver(row.closing_days),
    createdAt: parseDbDateTime(row.created_at as DbDateTime),
  };
}

export interface LeadTableReading {
  /** The latest successful sync, read in the same snapshot as the rows. */
  readonly generation: DataGeneration | null;
  /**
   * Of the whole table, read in the same snapshot; null after a full read (nothing to check) and
   * when a partial read gave up (more than `mostChangedRows` changed: load everything instead).
   */
  readonly checksum: LeadKeyChecksum | null;
}

async function keyChecksumOf(db: Kysely<Database>): Promise<LeadKeyChecksum> {
  const rows = await db
    .selectFrom('crm_analytics_leads')
    .select((eb) => ['record_type', eb.fn.countAll().as('leads'), eb.fn.sum('record_id').as('ids')])
    .groupBy('record_type')
    .execute();
  const of = (type: RecordType) => rows.find((row) => row.record_type === type);
  return {
    companies: numberFromDriver(of('company')?.leads ?? 0),
    companyIds: numberFromDriver(of('company')?.ids ?? 0),
    prospects: numberFromDriver(of('prospect')?.leads ?? 0),
    prospectIds: numberFromDriver(of('prospect')?.ids ?? 0),
  };
}

/**
 * The columns a full load scans (ReadSnapshot.scanRowArrays), as SQL that runs on every dialect:
 * the key and the four flags packed into one number each, cents rounded as the SQL engine does.
 */
const SCANNED_COLUMNS = [
  `(case when record_type = 'prospect' then 4294967296 else 0 end) + record_id`,
  'name',
  'salesman_id',
  'salesman_name',
  'locale_id',
  'locale_rate',
  'tier',
  `is_won * ${WON} + is_lost * ${LOST} + has_shipment * ${SHIPMENT} + has_recharge * ${RECHARGE}`,
  'stage_name',
  'stage_color',
  'product',
  'monthly_shipments',
  'round(account_value * 100)',
  'won_at',
  'closing_days',
  'created_at',
] as const;

function addScannedRows(builder: LeadStoreBuilder, rows: readonly (readonly unknown[])[]): void {
  for (const row of rows) {
    // The order of SCANNED_COLUMNS.
    const key = row[0] as number;
    const wonAt = row[13] as string | null;
    const closingDays = row[14] as number | null;
    builder.addFields(
      key >= 4_294_967_296 ? 1 : 0,
      key % 4_294_967_296,
      row[1] as string,
      row[2] as number | null,
      row[3] as string | null,
      row[4] as number,
      row[5] as number,
      row[6] as number | null,
      row[8] as string,
      row[9] as string,
      row[10] as string | null,
      row[11] as number,
      row[12] as number,
      row[7] as number,
      wonAt === null ? Number.NaN : parseDbDateTime(wonAt),
      closingDays === null ? Number.NaN : closingDays,
      parseDbDateTime(row[15] as string),
    );
  }
}

/**
 * Reads `crm_analytics_leads` into `builder` — every row, or those written by sync runs after the
 * run `writtenAfterRun` — from a consistent snapshot (DatabaseHandle.readSnapshot): as row arrays
 * where the dialect can scan so, else page by page in primary-key order, yielding between pages.
 *
 * A run writes `synced_at` = its `started_at`, and runs follow one another under the sync lock, so
 * the rows of later runs (failed ones included) are exactly those with a later `synced_at`. The
 * bound is the logged `started_at` text itself, bound as read: no formatting can shift it.
 */
export async function readLeadTable(
  snapshot: ReadSnapshot,
  syncLog: SyncLogReads,
  builder: LeadStoreBuilder,
  options: { readonly writtenAfterRun?: number; readonly mostChangedRows?: number } = {},
): Promise<LeadTableReading> {
  const { db, scanRowArrays } = snapshot;
  const generation = await syncLog.latestGeneration(db);
  const partial = options.writtenAfterRun !== undefined;
  if (!partial) {
    const { leads } = await db.selectFrom('crm_analytics_leads').select((eb) => eb.fn.countAll().as('leads')).executeTakeFirstOrThrow();
    builder.reserve(builder.size + numberFromDriver(leads));
  }
  if (scanRowArrays !== null && !partial) {
    await scanRowArrays('crm_analytics_leads', SCANNED_COLUMNS, (rows) => addScannedRows(builder, rows));
    return { generation, checksum: null };
  }
  if (options.writtenAfterRun !== undefined) {
    // The keys first, through the synced_at index; then the rows by primary key, a slice of ids at
    // a time. (Filtering a primary-key walk by synced_at read the whole table: 0.8 s at 1,000,000.)
    const runStartedAt = await syncLog.runStartedAt(db, options.writtenAfterRun);
    // The run's log row is gone (never, short of someone editing the log): load everything instead.
    if (runStartedAt === null) return { generation, checksum: null };
    const keys = await db
      .selectFrom('crm_analytics_leads')
      .select(['record_type', 'record_id'])
      .where('synced_at', '>', runStartedAt)
      .execute();
    // After a full build elsewhere every row changed: reading them by key would be slower than a load.
    if (options.mostChangedRows !== undefined && keys.length > options.mostChangedRows) return { generation, checksum: null };
    for (const type of RECORD_TYPES) {
      const ids = keys.filter((key) => key.record_type === type).map((key) => numberFromDriver(key.record_id));
      ids.sort((a, b) => a - b);
      for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
        const slice = ids.slice(start, start + IDS_PER_QUERY);
        const rows = await db.selectFrom('crm_analytics_leads').select(LEAD_COLUMNS).where('record_type', '=', type).where('record_id', 'in', slice).execute();
        for (const row of rows) builder.add(leadValuesOf(row));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return { generation, checksum: await keyChecksumOf(db) };
  }
  // Page by record_id within each record type: a plain range on the primary key, which every
  // database walks as an index range (a row-value comparison is not always one).
  for (const type of RECORD_TYPES) {
    let afterId = -1;
    for (;;) {
      const rows = await db
        .selectFrom('crm_analytics_leads')
        .select(LEAD_COLUMNS)
        .where('record_type', '=', type)
        .where('record_id', '>', afterId)
        .orderBy('record_id')
        .limit(PAGE_ROWS)
        .execute();
      for (const row of rows) builder.add(leadValuesOf(row));
      const last = rows.at(-1);
      if (last === undefined || rows.length < PAGE_ROWS) break;
      afterId = numberFromDriver(last.record_id);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  // A full read holds the table's keys by construction: nothing to check.
  return { generation, checksum: null };
}
