import { sql, type Kysely } from 'kysely';
import { parseDbDateTime } from '../../db/datetime.js';
import { nullableNumberFromDriver, numberFromDriver } from '../../db/driver-numbers.js';
import type { Database } from '../../db/schema.js';
import type {
  ActiveLeadRow,
  AnalyticsAggregates,
  ExecutiveRow,
  ProductGroup,
  SalesmanGroup,
  StageGroup,
  TierGroup,
} from '../../domain/analytics-aggregates.js';
import { ACTIVE_LEADS_LIMIT } from '../../domain/analytics-payload.js';
import type { AnalyticsPlan, LeadFilter } from '../../domain/analytics-plan.js';
import { assembleAnalyticsPayload } from '../../domain/analytics-assembly.js';
import type { AnalyticsEngine, SyncLogReads } from '../analytics-engine.js';
import { leadFilterCondition } from './lead-filter-sql.js';
import { readWithGeneration } from './read-with-generation.js';

/**
 * Σ account_value in whole cents: `round(account_value * 100)` is exact on MySQL's and
 * PostgreSQL's decimals and recovers the cents of SQLite's REAL, and SUM of whole numbers is exact
 * everywhere. USD is computed from these in the domain (src/domain/money.ts), never by SQL
 * division, whose scale and type differ between dialects.
 */
const CENTS = sql<number>`sum(round(crm_analytics_leads.account_value * 100))`;

/**
 * The analytics engine over `crm_analytics_leads`, through Kysely, in SQL that runs unchanged on
 * SQLite, MySQL/MariaDB and PostgreSQL. It reads the aggregates of src/domain/analytics-aggregates.ts
 * inside one read-only, repeatable-read transaction (so every figure, and the generation, come from
 * the same state of the table) and lets the domain assemble the payload.
 */
export function createSqlAnalyticsEngine(db: Kysely<Database>, syncLog: Pick<SyncLogReads, 'latestGeneration'>): AnalyticsEngine {
  return {
    async compute(plan, now) {
      // The generation is read in the same transaction as the figures, whatever the caller knows.
      const { aggregates, generation } = await readWithGeneration(db, syncLog, async (trx, latest) => ({
        aggregates: await readAggregates(trx, plan),
        generation: latest,
      }));
      return { body: assembleAnalyticsPayload(aggregates, now), generation };
    },
  };
}

async function readAggregates(db: Kysely<Database>, plan: AnalyticsPlan): Promise<AnalyticsAggregates> {
  const current = await stageGroups(db, plan.current);
  const previous = plan.previous === null ? null : await stageGroups(db, plan.previous);
  return {
    current,
    previous,
    salesmen: await salesmanGroups(db, plan.current),
    tiers: await tierGroups(db, plan.open),
    products: await productGroups(db, plan.current),
    closingDays: await closingDays(db, plan.closing),
    executives: await executives(db, plan.executives),
    activeLeads: await activeLeads(db, plan.open),
  };
}

function leads(db: Kysely<Database>, filter: LeadFilter) {
  return db.selectFrom('crm_analytics_leads').where((eb) => leadFilterCondition(eb, filter));
}

async function stageGroups(db: Kysely<Database>, filter: LeadFilter): Promise<StageGroup[]> {
  const rows = await leads(db, filter)
    .select(['is_lost', 'is_won', 'has_recharge', 'has_shipment', 'stage_name', 'locale_rate'])
    .select((eb) => [eb.fn.countAll().as('leads'), eb.fn.sum('monthly_shipments').as('shipments'), CENTS.as('cents')])
    .groupBy(['is_lost', 'is_won', 'has_recharge', 'has_shipment', 'stage_name', 'locale_rate'])
    .execute();
  return rows.map((row) => ({
    is_lost: numberFromDriver(row.is_lost),
    is_won: numberFromDriver(row.is_won),
    has_recharge: numberFromDriver(row.has_recharge),
    has_shipment: numberFromDriver(row.has_shipment),
    stage_name: row.stage_name,
    rate: numberFromDriver(row.locale_rate),
    leads: numberFromDriver(row.leads),
    shipments: numberFromDriver(row.shipments),
    cents: numberFromDriver(row.cents),
  }));
}

async function salesmanGroups(db: Kysely<Database>, filter: LeadFilter): Promise<SalesmanGroup[]> {
  const rows = await leads(db, filter)
    .select(['salesman_id', 'salesman_name', 'is_lost', 'is_won'])
    .select((eb) => eb.fn.countAll().as('leads'))
    .groupBy(['salesman_id', 'salesman_name', 'is_lost', 'is_won'])
    .execute();
  return rows.map((row) => ({
    salesman_id: nullableNumberFromDriver(row.salesman_id),
    salesman_name: row.salesman_name,
    is_lost: numberFromDriver(row.is_lost),
    is_won: numberFromDriver(row.is_won),
    leads: numberFromDriver(row.leads),
  }));
}

async function tierGroups(db: Kysely<Database>, filter: LeadFilter): Promise<TierGroup[]> {
  const rows = await leads(db, filter)
    .select('tier')
    .select((eb) => eb.fn.countAll().as('leads'))
    .groupBy('tier')
    .execute();
  return rows.map((row) => ({ tier: nullableNumberFromDriver(row.tier), leads: numberFromDriver(row.leads) }));
}

async function productGroups(db: Kysely<Database>, filter: LeadFilter): Promise<ProductGroup[]> {
  const rows = await leads(db, filter)
    .where('product', 'is not', null)
    .select(['product', 'locale_rate'])
    .select((eb) => [eb.fn.countAll().as('leads'), CENTS.as('cents')])
    .groupBy(['product', 'locale_rate'])
    .execute();
  return rows.flatMap((row) =>
    row.product === null
      ? []
      : [{ product: row.product, rate: numberFromDriver(row.locale_rate), leads: numberFromDriver(row.leads), cents: numberFromDriver(row.cents) }],
  );
}

async function closingDays(db: Kysely<Database>, filter: LeadFilter): Promise<{ sum: number; count: number }> {
  const row = await leads(db, filter)
    .select((eb) => [eb.fn.sum('closing_days').as('sum'), eb.fn.count('closing_days').as('count')])
    .executeTakeFirst();
  return { sum: numberFromDriver(row?.sum), count: numberFromDriver(row?.count) };
}

async function executives(db: Kysely<Database>, filter: LeadFilter): Promise<ExecutiveRow[]> {
  const rows = await leads(db, filter)
    .where('salesman_id', 'is not', null)
    .select(['salesman_id', 'salesman_name'])
    .distinct()
    .execute();
  return rows.flatMap((row) => (row.salesman_id === null ? [] : [{ id: numberFromDriver(row.salesman_id), name: row.salesman_name }]));
}

async function activeLeads(db: Kysely<Database>, filter: LeadFilter): Promise<ActiveLeadRow[]> {
  const rows = await leads(db, filter)
    .select([
      'record_type',
      'record_id',
      'name',
      'salesman_name',
      'tier',
      'stage_name',
      'stage_color',
      'is_lost',
      'is_won',
      'has_recharge',
      'has_shipment',
      'created_at',
    ])
    .orderBy('created_at')
    .orderBy('record_type')
    .orderBy('record_id')
    .limit(ACTIVE_LEADS_LIMIT)
    .execute();
  return rows.map((row) => ({
    record_type: row.record_type,
    record_id: numberFromDriver(row.record_id),
    name: row.name,
    salesman_name: row.salesman_name,
    tier: nullableNumberFromDriver(row.tier),
    stage_name: row.stage_name,
    stage_color: row.stage_color,
    is_lost: numberFromDriver(row.is_lost),
    is_won: numberFromDriver(row.is_won),
    has_recharge: numberFromDriver(row.has_recharge),
    has_shipment: numberFromDriver(row.has_shipment),
    created_at: parseDbDateTime(row.created_at),
  }));
}
