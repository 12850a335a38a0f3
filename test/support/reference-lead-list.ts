import { roundHalfAwayFromZero } from '../../src/domain/rounding.js';
import type { LeadRow } from './analytics-fixtures.js';
import type { ReferenceQuery } from './reference-analytics.js';

/**
 * A naive reading of SPEC §10 from the text alone (CRM_TIMEZONE = UTC): filter an array of leads,
 * make each row, sort the whole array. Shares no code with the service but the rounding function.
 */
export interface ReferenceListQuery extends ReferenceQuery {
  readonly outcome?: 'won' | 'lost' | 'in_recharge' | 'remaining';
  readonly sort?: 'created_at' | '-value_usd';
}

const DAY = 86_400_000;
const time = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const iso = (text: string | null | undefined) => (text === null || text === undefined ? null : new Date(time(text)).toISOString());

function virtualStage(lead: LeadRow): string {
  if (lead.is_lost === 1) return 'customer_lost';
  if (lead.is_won === 1) return 'won';
  if (lead.has_recharge === 1 && lead.has_shipment === 0) return 'in_recharge';
  return lead.stage_name;
}

function bucket(stage: string): string {
  return stage === 'customer_lost' ? 'lost' : stage === 'won' || stage === 'in_recharge' ? stage : 'remaining';
}

const COLORS: Record<string, string> = { customer_lost: 'danger', won: 'success', in_recharge: 'info' };

export function referenceLeadRows(leads: readonly LeadRow[], query: ReferenceListQuery, now: number) {
  const from = query.startDate ? time(`${query.startDate} 00:00:00`) : null;
  const to = query.endDate ? time(`${query.endDate} 00:00:00`) + DAY : null;
  const value = (lead: LeadRow) => Number(lead.account_value) / Number(lead.locale_rate);
  const kept = leads.filter(
    (lead) =>
      (from === null || to === null || (time(lead.created_at) >= from && time(lead.created_at) < to)) &&
      (query.localeIds === undefined || query.localeIds.includes(lead.locale_id)) &&
      (query.salesman === undefined || lead.salesman_id === query.salesman) &&
      (query.tier === undefined || (lead.tier !== null && lead.tier !== undefined && query.tier.includes(lead.tier))) &&
      (query.stage === undefined || virtualStage(lead) === query.stage) &&
      (query.product === undefined || lead.product === query.product) &&
      (query.outcome === undefined || bucket(virtualStage(lead)) === query.outcome),
  );
  const byCreated = (a: LeadRow, b: LeadRow) =>
    time(a.created_at) - time(b.created_at) || (a.record_type < b.record_type ? -1 : a.record_type > b.record_type ? 1 : 0) || a.record_id - b.record_id;
  kept.sort(query.sort === '-value_usd' ? (a, b) => value(b) - value(a) || byCreated(a, b) : byCreated);
  return kept.map((lead) => {
    const stage = virtualStage(lead);
    return {
      record_type: lead.record_type,
      record_id: lead.record_id,
      name: lead.name,
      salesman_id: lead.salesman_id ?? null,
      salesman: lead.salesman_name ?? null,
      locale_id: lead.locale_id,
      tier_label: lead.tier === null || lead.tier === undefined ? '' : `T${lead.tier}`,
      stage_name: stage,
      stage_color: COLORS[stage] ?? lead.stage_color,
      product: lead.product ?? null,
      monthly_shipments: lead.monthly_shipments,
      value_usd: roundHalfAwayFromZero(value(lead), 2),
      is_won: lead.is_won === 1,
      is_lost: lead.is_lost === 1,
      won_at: iso(lead.won_at),
      closing_days: lead.closing_days ?? null,
      created_at: iso(lead.created_at),
      last_activity_at: iso(lead.last_activity_at),
      age_days: Math.floor((now - time(lead.created_at)) / DAY),
    };
  });
}
