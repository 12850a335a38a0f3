import { roundHalfAwayFromZero } from '@domain/rounding.js';
import { formatDecimal } from '../format/number-format.js';

/** Which way of moving is good news for a KPI: colours its delta green or red (or neither). */
export type KpiPolarity = 'higher-is-better' | 'lower-is-better' | 'neutral';
export type DeltaTrend = 'up' | 'down' | 'flat';
export type DeltaTone = 'good' | 'bad' | 'neutral';

/**
 * The delta indicator of a KPI card, from the current and previous values:
 * - `none`: nothing to compare — the request has no date range (previous is null), or one side has
 *   no value (avg_shipment_cost is null when there were no shipments);
 * - `new`: the previous period had 0 and this one has more — a percentage of 0 means nothing, so
 *   the card says "new" instead;
 * - `change`: the relative change in percent (rounded to 0.1, half away from zero) and its tone.
 */
export type KpiDelta =
  | { readonly kind: 'none'; readonly reason: 'no-previous-period' | 'no-value' }
  | { readonly kind: 'new'; readonly trend: 'up'; readonly tone: DeltaTone; readonly difference: number }
  | {
      readonly kind: 'change';
      readonly trend: DeltaTrend;
      readonly tone: DeltaTone;
      readonly difference: number;
      /** Signed, e.g. -12.5 for a 12.5 % drop. */
      readonly percent: number;
    };

export function deltaTone(trend: DeltaTrend, polarity: KpiPolarity): DeltaTone {
  if (trend === 'flat' || polarity === 'neutral') return 'neutral';
  return (trend === 'up') === (polarity === 'higher-is-better') ? 'good' : 'bad';
}

/**
 * `hasPreviousPeriod` is false when the request had no date range: then `previous` is null by
 * definition and the card says "all time" rather than "no data".
 */
export function computeKpiDelta(
  current: number | null,
  previous: number | null,
  polarity: KpiPolarity,
  hasPreviousPeriod = true,
): KpiDelta {
  if (!hasPreviousPeriod) return { kind: 'none', reason: 'no-previous-period' };
  if (current === null || previous === null) return { kind: 'none', reason: 'no-value' };
  const difference = current - previous;
  const trend: DeltaTrend = difference > 0 ? 'up' : difference < 0 ? 'down' : 'flat';
  if (previous === 0 && current !== 0) {
    // Every count the API sends is ≥ 0, so this is growth from nothing.
    return { kind: 'new', trend: 'up', tone: deltaTone('up', polarity), difference };
  }
  const percent = previous === 0 ? 0 : roundHalfAwayFromZero((difference / Math.abs(previous)) * 100, 1);
  return { kind: 'change', trend, tone: deltaTone(trend, polarity), difference, percent };
}

/** The percentage as the card shows it, unsigned (the arrow carries the sign). */
export function deltaPercentText(delta: Extract<KpiDelta, { kind: 'change' }>): string {
  if (delta.trend === 'flat') return '0%';
  const magnitude = Math.abs(delta.percent);
  // A real change that rounds to 0.0 % still moved: say so rather than print "0.0%" beside an arrow.
  return magnitude === 0 ? '<0.1%' : `${formatDecimal(magnitude, 1)}%`;
}

/** One sentence for screen readers and the tooltip. */
export function describeDelta(delta: KpiDelta, formattedPrevious: string): string {
  switch (delta.kind) {
    case 'none':
      return delta.reason === 'no-previous-period' ? 'No comparison: all-time view' : 'No comparison: a value is missing';
    case 'new':
      return `New: up from 0 in the previous period`;
    case 'change':
      return delta.trend === 'flat'
        ? `Unchanged from ${formattedPrevious} in the previous period`
        : `${delta.trend === 'up' ? 'Up' : 'Down'} ${deltaPercentText(delta)} from ${formattedPrevious} in the previous period`;
  }
}
