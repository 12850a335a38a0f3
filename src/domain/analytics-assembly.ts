import type {
  ActiveLeadRow,
  AnalyticsAggregates,
  ExecutiveRow,
  ProductGroup,
  SalesmanGroup,
  StageGroup,
  TierGroup,
} from './analytics-aggregates.js';
import {
  ACTIVE_LEADS_LIMIT,
  tierLabelOf,
  type ActiveLead,
  type AnalyticsBody,
  type AnalyticsKpis,
  type ExecutiveOption,
  type ExecutiveStageEntry,
  type FunnelEntry,
  type OutcomeSummary,
  type ProductEntry,
  type TierEntry,
} from './analytics-payload.js';
import { ageDaysOf } from './lead.js';
import { usdOf } from './money.js';
import { roundHalfAwayFromZero } from './rounding.js';
import { closedOutcomeOf, isInRecharge, outcomeBucketOf, virtualStageColor, virtualStageOf } from './virtual-stage.js';

/**
 * Turns an engine's aggregates into the response body of SPEC §5: every rounding, percentage,
 * sort order, tie-break and label is decided here, once, for every engine.
 *
 * Text sorts compare UTF-16 code units (`<`), not a locale collation: the database's collation
 * (utf8mb4_general_ci, "C", ICU …) must not change the order, so the same leads give the same
 * bytes on every dialect.
 */
export function assembleAnalyticsPayload(aggregates: AnalyticsAggregates, now: number): AnalyticsBody {
  const totals = periodTotals(aggregates.current);
  const previous = aggregates.previous === null ? null : periodTotals(aggregates.previous);
  const buckets = outcomeSummaryOf(aggregates.current);

  const kpis: AnalyticsKpis = {
    total_leads: { current: totals.leads, previous: previous?.leads ?? null },
    total_shipments: { current: totals.shipments, previous: previous?.shipments ?? null },
    avg_shipment_cost: { current: totals.avgShipmentCost, previous: previous === null ? null : previous.avgShipmentCost },
    total_lost: { current: totals.lost, previous: previous?.lost ?? null },
  };

  const { sum, count } = aggregates.closingDays;
  return {
    kpis,
    extra_kpis: {
      avg_closing_days: count > 0 ? roundHalfAwayFromZero(sum / count, 1) : null,
      advancement_rate: percentageOf(buckets.won + buckets.in_recharge, totals.leads),
      in_recharge: aggregates.current.reduce((n, group) => n + (isInRecharge(group) ? group.leads : 0), 0),
    },
    sales_funnel: salesFunnelOf(aggregates.current, totals.leads),
    outcome_summary: buckets,
    by_executive: executivesOf(aggregates.executives),
    by_executive_stage: executiveStagesOf(aggregates.salesmen),
    by_tier: tiersOf(aggregates.tiers),
    by_product: productsOf(aggregates.products),
    active_leads: activeLeadsOf(aggregates.activeLeads, now),
  };
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** round(part / whole × 100, 1); 0 when the whole is 0. */
export function percentageOf(part: number, whole: number): number {
  return whole === 0 ? 0 : roundHalfAwayFromZero((part * 100) / whole, 1);
}

interface PeriodTotals {
  readonly leads: number;
  readonly shipments: number;
  readonly lost: number;
  readonly avgShipmentCost: number | null;
}

function periodTotals(groups: readonly StageGroup[]): PeriodTotals {
  let leads = 0;
  let shipments = 0;
  let lost = 0;
  for (const group of groups) {
    leads += group.leads;
    shipments += group.shipments;
    if (group.is_lost === 1) lost += group.leads;
  }
  const avgShipmentCost = shipments === 0 ? null : roundHalfAwayFromZero(usdOf(groups) / shipments, 2);
  return { leads, shipments, lost, avgShipmentCost };
}

function outcomeSummaryOf(groups: readonly StageGroup[]): OutcomeSummary {
  const summary = { won: 0, lost: 0, in_recharge: 0, remaining: 0 };
  for (const group of groups) summary[outcomeBucketOf(virtualStageOf(group))] += group.leads;
  return summary;
}

function salesFunnelOf(groups: readonly StageGroup[], total: number): FunnelEntry[] {
  const counts = new Map<string, number>();
  for (const group of groups) {
    const stage = virtualStageOf(group);
    counts.set(stage, (counts.get(stage) ?? 0) + group.leads);
  }
  return [...counts]
    .filter(([, count]) => count > 0)
    .sort(([stageA, countA], [stageB, countB]) => countB - countA || compareText(stageA, stageB))
    .map(([stage_name, count]) => ({ stage_name, count, percentage: percentageOf(count, total) }));
}

/**
 * One name per salesman id. The sync writes one name per salesman, but while a rename is being
 * rolled through the table two can coexist: the smallest (code-unit order) wins, whichever the
 * database returned first.
 */
function nameOf(current: string | null | undefined, candidate: string | null): string | null {
  if (current === undefined || current === null) return candidate;
  if (candidate === null) return current;
  return compareText(candidate, current) < 0 ? candidate : current;
}

function executivesOf(rows: readonly ExecutiveRow[]): ExecutiveOption[] {
  const names = new Map<number, string | null>();
  for (const row of rows) names.set(row.id, nameOf(names.get(row.id), row.name));
  return [...names]
    .map(([id, name]) => ({ id, name: name ?? '' }))
    .sort((a, b) => compareText(a.name, b.name) || a.id - b.id);
}

function executiveStagesOf(groups: readonly SalesmanGroup[]): ExecutiveStageEntry[] {
  interface Tally {
    name: string | null;
    won: number;
    lost: number;
    total: number;
  }
  // Unassigned leads (id null) form one entry of their own.
  const tallies = new Map<number | null, Tally>();
  for (const group of groups) {
    const id = group.salesman_id;
    const tally = tallies.get(id) ?? { name: null, won: 0, lost: 0, total: 0 };
    if (id !== null) tally.name = nameOf(tally.name, group.salesman_name);
    const outcome = closedOutcomeOf(group);
    if (outcome === 'won') tally.won += group.leads;
    if (outcome === 'lost') tally.lost += group.leads;
    tally.total += group.leads;
    tallies.set(id, tally);
  }
  return [...tallies]
    .filter(([, tally]) => tally.total > 0)
    .map(([id, tally]) => ({
      id,
      name: id === null ? null : (tally.name ?? ''),
      won: tally.won,
      lost: tally.lost,
      remaining: tally.total - tally.won - tally.lost,
      total: tally.total,
    }))
    .sort(
      (a, b) =>
        b.total - a.total ||
        (a.name === null ? (b.name === null ? 0 : 1) : b.name === null ? -1 : compareText(a.name, b.name)) ||
        (a.id ?? Number.MAX_SAFE_INTEGER) - (b.id ?? Number.MAX_SAFE_INTEGER),
    );
}

function tiersOf(groups: readonly TierGroup[]): TierEntry[] {
  const counts = new Map<number | null, number>();
  for (const group of groups) counts.set(group.tier, (counts.get(group.tier) ?? 0) + group.leads);
  // Order "", T0 … T5: no tier first, then by tier.
  return [...counts]
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => (a ?? -1) - (b ?? -1))
    .map(([tier, count]) => ({ tier_label: tierLabelOf(tier), count }));
}

function productsOf(groups: readonly ProductGroup[]): ProductEntry[] {
  const byProduct = new Map<string, ProductGroup[]>();
  for (const group of groups) {
    const list = byProduct.get(group.product) ?? [];
    list.push(group);
    byProduct.set(group.product, list);
  }
  return [...byProduct]
    .map(([product_name, list]) => ({
      product_name,
      lead_count: list.reduce((n, group) => n + group.leads, 0),
      total_value: roundHalfAwayFromZero(usdOf(list), 2),
    }))
    .filter((entry) => entry.lead_count > 0)
    .sort((a, b) => b.total_value - a.total_value || compareText(a.product_name, b.product_name));
}

export function compareActiveLeads(a: ActiveLeadRow, b: ActiveLeadRow): number {
  return a.created_at - b.created_at || compareText(a.record_type, b.record_type) || a.record_id - b.record_id;
}

function activeLeadsOf(rows: readonly ActiveLeadRow[], now: number): ActiveLead[] {
  return [...rows]
    .sort(compareActiveLeads)
    .slice(0, ACTIVE_LEADS_LIMIT)
    .map((row) => {
      const stage = virtualStageOf(row);
      return {
        record_id: row.record_id,
        record_type: row.record_type,
        name: row.name,
        salesman: row.salesman_name,
        tier_label: tierLabelOf(row.tier),
        stage_name: stage,
        stage_color: virtualStageColor(stage, row.stage_color),
        age_days: ageDaysOf(row.created_at, now),
      };
    });
}
