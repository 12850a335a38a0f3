import { sql, type Kysely, type RawBuilder } from 'kysely';
import { formatDbDateTime, parseDbDateTime } from '../../db/datetime.js';
import { numberFromDriver } from '../../db/driver-numbers.js';
import type { Database } from '../../db/schema.js';
import type { LeadFilter } from '../../domain/analytics-plan.js';
import type { TrendBuckets } from '../../domain/trend-buckets.js';
import { bucketsOfPlan, type TrendAggregates, type TrendCreatedGroup, type TrendWonGroup } from '../../domain/trends.js';
import { outcomeBucketOf, virtualStageOf } from '../../domain/virtual-stage.js';
import type { SyncLogReads } from '../analytics-engine.js';
import type { TrendEngine } from '../trend-engine.js';
import { leadFilterCondition } from './lead-filter-sql.js';
import { readWithGeneration } from './read-with-generation.js';

/**
 * Trends (SPEC §11) over `crm_analytics_leads` in SQL that runs unchanged on SQLite,
 * MySQL/MariaDB and PostgreSQL: one grouped query per series, inside one read-only,
 * repeatable-read transaction (the figures and the generation from the same state of the table).
 *
 * The bucket of a row is found in SQL from the bound instants the domain computed
 * (src/domain/trend-buckets.ts): a binary search written as nested CASEs over the datetime column,
 * compared with UTC text like every other datetime bound (src/db/datetime.ts). No database
 * time-zone tables, no date functions: exact and identical on every dialect.
 */
export function createSqlTrendEngine(db: Kysely<Database>, syncLog: Pick<SyncLogReads, 'latestGeneration'>): TrendEngine {
  return {
    async trends(plan) {
      return readWithGeneration(db, syncLog, async (trx, generation) => {
        const earliest = plan.range === null ? await earliestCreatedAt(trx, plan.others) : null;
        const buckets = bucketsOfPlan(plan, earliest);
        const aggregates: TrendAggregates =
          buckets === null
            ? { buckets, created: [], won: [] }
            : { buckets, created: await createdGroups(trx, plan.others, buckets), won: await wonGroups(trx, plan.others, buckets) };
        return { aggregates, generation };
      });
    },
  };
}

function leads(db: Kysely<Database>, filter: LeadFilter) {
  return db.selectFrom('crm_analytics_leads').where((eb) => leadFilterCondition(eb, filter));
}

async function earliestCreatedAt(db: Kysely<Database>, filter: LeadFilter): Promise<number | null> {
  const row = await leads(db, filter)
    .select((eb) => eb.fn.min('created_at').as('earliest'))
    .executeTakeFirst();
  return row?.earliest === null || row?.earliest === undefined ? null : parseDbDateTime(row.earliest);
}

/**
 * The bucket index of `column`, for rows already within [bounds[0], bounds[last]): nested CASEs,
 * halving the buckets at each level (depth log2 of 1,000 buckets ≈ 10).
 */
function bucketIndexSql(column: 'created_at' | 'won_at', bounds: readonly number[]): RawBuilder<number> {
  const ref = sql.ref(`crm_analytics_leads.${column}`);
  const within = (low: number, high: number): RawBuilder<number> => {
    if (high - low <= 1) return sql<number>`${sql.lit(low)}`;
    const middle = (low + high) >>> 1;
    return sql<number>`case when ${ref} < ${formatDbDateTime(bounds[middle] as number)} then ${within(low, middle)} else ${within(middle, high)} end`;
  };
  return within(0, bounds.length - 1);
}

function rangeOf(buckets: TrendBuckets) {
  return { from: buckets.bounds[0] as number, to: buckets.bounds[buckets.bounds.length - 1] as number };
}

/**
 * Per bucket of created_at: leads, Σ monthly_shipments and Σ cents, grouped by what the outcome
 * bucket and USD need (the columns the main payload groups by). The bucket is computed in a
 * derived table and grouped on by name: PostgreSQL would not see two copies of a CASE with bound
 * parameters as the same expression.
 */
async function createdGroups(db: Kysely<Database>, others: LeadFilter, buckets: TrendBuckets): Promise<TrendCreatedGroup[]> {
  const rows = await db
    .selectFrom(
      leads(db, { ...others, createdAt: rangeOf(buckets) })
        .select(['is_lost', 'is_won', 'has_recharge', 'has_shipment', 'stage_name', 'locale_rate', 'monthly_shipments'])
        .select([bucketIndexSql('created_at', buckets.bounds).as('bucket'), sql<number>`round(crm_analytics_leads.account_value * 100)`.as('cents')])
        .as('bucketed'),
    )
    .select(['bucket', 'is_lost', 'is_won', 'has_recharge', 'has_shipment', 'stage_name', 'locale_rate'])
    .select((eb) => [eb.fn.countAll().as('leads'), eb.fn.sum('monthly_shipments').as('shipments'), eb.fn.sum('cents').as('cents')])
    .groupBy(['bucket', 'is_lost', 'is_won', 'has_recharge', 'has_shipment', 'stage_name', 'locale_rate'])
    .execute();
  return rows.map((row) => {
    const flags = {
      is_lost: numberFromDriver(row.is_lost),
      is_won: numberFromDriver(row.is_won),
      has_recharge: numberFromDriver(row.has_recharge),
      has_shipment: numberFromDriver(row.has_shipment),
    };
    return {
      bucket: numberFromDriver(row.bucket),
      outcome: outcomeBucketOf(virtualStageOf({ ...flags, stage_name: row.stage_name })),
      rate: numberFromDriver(row.locale_rate),
      leads: numberFromDriver(row.leads),
      shipments: numberFromDriver(row.shipments),
      cents: numberFromDriver(row.cents),
    };
  });
}

/** Per bucket of won_at (every filter but the dates): won leads, Σ and count of closing_days. */
async function wonGroups(db: Kysely<Database>, others: LeadFilter, buckets: TrendBuckets): Promise<TrendWonGroup[]> {
  const rows = await db
    .selectFrom(
      leads(db, { ...others, wonAt: rangeOf(buckets), hasWonAt: true })
        .select(['is_won', 'closing_days'])
        .select(bucketIndexSql('won_at', buckets.bounds).as('bucket'))
        .as('bucketed'),
    )
    .select('bucket')
    .select((eb) => [
      eb.fn.sum(eb.case().when('is_won', '=', 1).then(1).else(0).end()).as('won'),
      eb.fn.sum('closing_days').as('closing_sum'),
      eb.fn.count('closing_days').as('closing_count'),
    ])
    .groupBy('bucket')
    .execute();
  return rows.map((row) => ({
    bucket: numberFromDriver(row.bucket),
    won: numberFromDriver(row.won),
    closingSum: numberFromDriver(row.closing_sum),
    closingCount: numberFromDriver(row.closing_count),
  }));
}
