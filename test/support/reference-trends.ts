import { roundHalfAwayFromZero } from '../../src/domain/rounding.js';
import type { TrendPoint } from '../../src/domain/trends.js';
import type { LeadRow } from './analytics-fixtures.js';
import type { ReferenceQuery } from './reference-analytics.js';

/**
 * A naive reading of SPEC §11, from the text alone: a lead's local date is what Intl prints for
 * its instant in the zone (no code of the service's calendar), a lead belongs to the bucket whose
 * [start, end] holds that date, and each figure is a plain filter-and-count. The buckets' dates are
 * taken from the answer under test (their calendar rules are checked on their own); everything
 * inside them is recomputed here. A bucket has the service's own type (its fields are the
 * contract's; only the figures are the reference's own).
 */
export type ReferenceTrendPoint = TrendPoint;

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date in `timeZone` of a UTC datetime text (`YYYY-MM-DD HH:MM:SS[.SSS]`), as Intl prints it. */
export function localDateOf(utcText: string, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA prints YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(`${utcText.replace(' ', 'T')}Z`));
}

function virtualStage(lead: LeadRow): string {
  if (lead.is_lost === 1) return 'customer_lost';
  if (lead.is_won === 1) return 'won';
  if (lead.has_recharge === 1 && lead.has_shipment === 0) return 'in_recharge';
  return lead.stage_name;
}

export function passesOtherFilters(lead: LeadRow, query: ReferenceQuery): boolean {
  return (
    (query.localeIds === undefined || query.localeIds.includes(lead.locale_id)) &&
    (query.salesman === undefined || lead.salesman_id === query.salesman) &&
    (query.tier === undefined || (lead.tier !== null && lead.tier !== undefined && query.tier.includes(lead.tier))) &&
    (query.stage === undefined || virtualStage(lead) === query.stage) &&
    (query.product === undefined || lead.product === query.product)
  );
}

export function referenceTrendSeries(
  leads: readonly LeadRow[],
  query: ReferenceQuery,
  timeZone: string,
  buckets: readonly { readonly start: string; readonly end: string }[],
): ReferenceTrendPoint[] {
  const matching = leads.filter((lead) => passesOtherFilters(lead, query));
  return buckets.map(({ start, end }) => {
    const inBucket = (text: string) => {
      const date = localDateOf(text, timeZone);
      return date >= start && date <= end;
    };
    const created = matching.filter((lead) => inBucket(lead.created_at));
    const count = (stage: string) => created.filter((lead) => virtualStage(lead) === stage).length;
    const won = count('won');
    const lost = count('customer_lost');
    const inRecharge = count('in_recharge');
    const closing = matching.filter((lead) => lead.won_at !== null && lead.won_at !== undefined && inBucket(lead.won_at));
    const closingDays = closing.filter((lead) => lead.closing_days !== null && lead.closing_days !== undefined).map((lead) => Number(lead.closing_days));
    return {
      start,
      end,
      total_leads: created.length,
      won,
      lost,
      in_recharge: inRecharge,
      remaining: created.length - won - lost - inRecharge,
      advancement_rate: created.length === 0 ? 0 : roundHalfAwayFromZero(((won + inRecharge) * 100) / created.length, 1),
      total_shipments: created.reduce((sum, lead) => sum + lead.monthly_shipments, 0),
      value_usd: roundHalfAwayFromZero(
        created.reduce((sum, lead) => sum + Number(lead.account_value) / Number(lead.locale_rate), 0),
        2,
      ),
      closed_won: closing.filter((lead) => lead.is_won === 1).length,
      avg_closing_days: closingDays.length === 0 ? null : roundHalfAwayFromZero(closingDays.reduce((a, b) => a + b, 0) / closingDays.length, 1),
    };
  });
}
