import { roundHalfAwayFromZero } from '../../src/domain/rounding.js';
import type { LeadRow } from './analytics-fixtures.js';

/**
 * A deliberately naive reading of SPEC §3–5, written from the text alone: filter an array of
 * leads, count, sum USD as Σ account_value / locale_rate in plain doubles, sort. It shares no code
 * with the service except the rounding function (tested on its own), and only handles
 * CRM_TIMEZONE = UTC. Property tests compare the service's payload with it.
 */
export interface ReferenceQuery {
  readonly startDate?: string;
  readonly endDate?: string;
  readonly localeIds?: readonly number[];
  readonly salesman?: number;
  readonly tier?: readonly number[];
  readonly stage?: string;
  readonly product?: string;
}

const DAY = 86_400_000;
const time = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

function virtualStage(lead: LeadRow): string {
  if (lead.is_lost === 1) return 'customer_lost';
  if (lead.is_won === 1) return 'won';
  if (lead.has_recharge === 1 && lead.has_shipment === 0) return 'in_recharge';
  return lead.stage_name;
}

function bucket(stage: string): 'lost' | 'won' | 'in_recharge' | 'remaining' {
  if (stage === 'customer_lost') return 'lost';
  if (stage === 'won') return 'won';
  if (stage === 'in_recharge') return 'in_recharge';
  return 'remaining';
}

const textOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function referencePayload(leads: readonly LeadRow[], query: ReferenceQuery, now: number) {
  const from = query.startDate ? time(`${query.startDate} 00:00:00`) : null;
  const to = query.endDate ? time(`${query.endDate} 00:00:00`) + DAY : null;

  const otherFilters = (lead: LeadRow) =>
    (query.localeIds === undefined || query.localeIds.includes(lead.locale_id)) &&
    (query.salesman === undefined || lead.salesman_id === query.salesman) &&
    (query.tier === undefined || (lead.tier !== null && lead.tier !== undefined && query.tier.includes(lead.tier))) &&
    (query.stage === undefined || virtualStage(lead) === query.stage) &&
    (query.product === undefined || lead.product === query.product);
  const createdIn = (lead: LeadRow, start: number | null, end: number | null) =>
    start === null || end === null || (time(lead.created_at) >= start && time(lead.created_at) < end);

  const current = leads.filter((lead) => otherFilters(lead) && createdIn(lead, from, to));

  const kpisOf = (set: readonly LeadRow[]) => {
    const shipments = set.reduce((sum, lead) => sum + lead.monthly_shipments, 0);
    const usd = set.reduce((sum, lead) => sum + Number(lead.account_value) / Number(lead.locale_rate), 0);
    return {
      total_leads: set.length,
      total_shipments: shipments,
      avg_shipment_cost: shipments === 0 ? null : roundHalfAwayFromZero(usd / shipments, 2),
      total_lost: set.filter((lead) => lead.is_lost === 1).length,
    };
  };
  const now_ = kpisOf(current);
  let previous: ReturnType<typeof kpisOf> | null = null;
  if (from !== null && to !== null) {
    const length = to - from;
    previous = kpisOf(leads.filter((lead) => otherFilters(lead) && createdIn(lead, from - length, from)));
  }

  const closing = leads.filter((lead) => {
    if (!otherFilters(lead) || lead.won_at === null || lead.won_at === undefined) return false;
    return from === null || to === null || (time(lead.won_at) >= from && time(lead.won_at) < to);
  });
  const closingDays = closing.map((lead) => lead.closing_days).filter((days): days is number => days !== null && days !== undefined);

  const buckets = { won: 0, lost: 0, in_recharge: 0, remaining: 0 };
  const stageCounts = new Map<string, number>();
  for (const lead of current) {
    const stage = virtualStage(lead);
    buckets[bucket(stage)] += 1;
    stageCounts.set(stage, (stageCounts.get(stage) ?? 0) + 1);
  }
  const total = current.length;
  const percentage = (count: number) => (total === 0 ? 0 : roundHalfAwayFromZero((count / total) * 100, 1));

  const executives = new Map<number, string>();
  for (const lead of leads) {
    if (lead.salesman_id === null || lead.salesman_id === undefined) continue;
    if (query.localeIds !== undefined && !query.localeIds.includes(lead.locale_id)) continue;
    const name = lead.salesman_name ?? '';
    const known = executives.get(lead.salesman_id);
    if (known === undefined || name < known) executives.set(lead.salesman_id, name);
  }

  const perSalesman = new Map<number | null, { name: string | null; won: number; lost: number; total: number }>();
  for (const lead of current) {
    const id = lead.salesman_id ?? null;
    const entry = perSalesman.get(id) ?? { name: lead.salesman_name ?? null, won: 0, lost: 0, total: 0 };
    const b = bucket(virtualStage(lead));
    if (b === 'won') entry.won += 1;
    if (b === 'lost') entry.lost += 1;
    entry.total += 1;
    perSalesman.set(id, entry);
  }

  const liftsRestriction = query.stage === 'won' || query.stage === 'customer_lost';
  const openSet = current.filter((lead) => liftsRestriction || (lead.is_won === 0 && lead.is_lost === 0));
  const tierCounts = new Map<string, number>();
  for (const lead of openSet) {
    const label = lead.tier === null || lead.tier === undefined ? '' : `T${lead.tier}`;
    tierCounts.set(label, (tierCounts.get(label) ?? 0) + 1);
  }

  const products = new Map<string, { count: number; usd: number }>();
  for (const lead of current) {
    if (lead.product === null || lead.product === undefined) continue;
    const entry = products.get(lead.product) ?? { count: 0, usd: 0 };
    entry.count += 1;
    entry.usd += Number(lead.account_value) / Number(lead.locale_rate);
    products.set(lead.product, entry);
  }

  const stageColor = (lead: LeadRow) =>
    ({ customer_lost: 'danger', won: 'success', in_recharge: 'info' })[virtualStage(lead)] ?? lead.stage_color;

  return {
    kpis: {
      total_leads: { current: now_.total_leads, previous: previous?.total_leads ?? null },
      total_shipments: { current: now_.total_shipments, previous: previous?.total_shipments ?? null },
      avg_shipment_cost: { current: now_.avg_shipment_cost, previous: previous ? previous.avg_shipment_cost : null },
      total_lost: { current: now_.total_lost, previous: previous?.total_lost ?? null },
    },
    extra_kpis: {
      avg_closing_days:
        closingDays.length === 0 ? null : roundHalfAwayFromZero(closingDays.reduce((a, b) => a + b, 0) / closingDays.length, 1),
      advancement_rate: percentage(buckets.won + buckets.in_recharge),
      in_recharge: current.filter((lead) => lead.has_recharge === 1 && lead.has_shipment === 0).length,
    },
    sales_funnel: [...stageCounts]
      .sort((a, b) => b[1] - a[1] || textOrder(a[0], b[0]))
      .map(([stage_name, count]) => ({ stage_name, count, percentage: percentage(count) })),
    outcome_summary: buckets,
    by_executive: [...executives]
      .map(([id, name]) => ({ id, name }))
      .sort((a, b) => textOrder(a.name, b.name) || a.id - b.id),
    by_executive_stage: [...perSalesman]
      .map(([id, entry]) => ({ id, name: entry.name, won: entry.won, lost: entry.lost, remaining: entry.total - entry.won - entry.lost, total: entry.total }))
      .sort((a, b) => {
        if (a.total !== b.total) return b.total - a.total;
        if (a.name !== b.name) {
          if (a.name === null) return 1;
          if (b.name === null) return -1;
          return textOrder(a.name, b.name);
        }
        return (a.id ?? Infinity) - (b.id ?? Infinity);
      }),
    by_tier: ['', 'T0', 'T1', 'T2', 'T3', 'T4', 'T5']
      .filter((label) => (tierCounts.get(label) ?? 0) > 0)
      .map((tier_label) => ({ tier_label, count: tierCounts.get(tier_label) ?? 0 })),
    by_product: [...products]
      .map(([product_name, entry]) => ({ product_name, lead_count: entry.count, total_value: roundHalfAwayFromZero(entry.usd, 2) }))
      .sort((a, b) => b.total_value - a.total_value || textOrder(a.product_name, b.product_name)),
    active_leads: [...openSet]
      .sort(
        (a, b) =>
          time(a.created_at) - time(b.created_at) || textOrder(a.record_type, b.record_type) || a.record_id - b.record_id,
      )
      .slice(0, 100)
      .map((lead) => ({
        record_id: lead.record_id,
        record_type: lead.record_type,
        name: lead.name,
        salesman: lead.salesman_name ?? null,
        tier_label: lead.tier === null || lead.tier === undefined ? '' : `T${lead.tier}`,
        stage_name: virtualStage(lead),
        stage_color: stageColor(lead),
        age_days: Math.floor((now - time(lead.created_at)) / DAY),
      })),
  };
}
