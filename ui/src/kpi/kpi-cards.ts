import type { AnalyticsKpis, AnalyticsPayload } from '@domain/analytics-payload.js';
import { formatCount, formatDays, formatPercent, formatUsd } from '../format/number-format.js';
import { computeKpiDelta, type KpiDelta, type KpiPolarity } from './kpi-delta.js';

export interface KpiCardModel {
  readonly key: string;
  readonly label: string;
  readonly value: string;
  readonly previous?: string;
  readonly delta?: KpiDelta;
  readonly hint?: string;
}

interface MainKpiDefinition {
  readonly key: keyof AnalyticsKpis;
  readonly label: string;
  readonly polarity: KpiPolarity;
  readonly format: (value: number | null) => string;
  readonly hint?: string;
}

/**
 * The four main KPIs and which way is good news. `avg_shipment_cost` is neutral: it is account
 * value (USD) per monthly shipment, and a rise means either bigger accounts (good) or fewer
 * shipments for the same value (bad) — the card shows the move without judging it.
 */
export const MAIN_KPIS: readonly MainKpiDefinition[] = [
  { key: 'total_leads', label: 'Total leads', polarity: 'higher-is-better', format: formatCount },
  { key: 'total_shipments', label: 'Monthly shipments', polarity: 'higher-is-better', format: formatCount },
  {
    key: 'avg_shipment_cost',
    label: 'Avg. shipment cost',
    polarity: 'neutral',
    format: formatUsd,
    hint: 'Account value (USD) per monthly shipment',
  },
  { key: 'total_lost', label: 'Lost leads', polarity: 'lower-is-better', format: formatCount },
];

export function mainKpiCards(payload: AnalyticsPayload, hasPreviousPeriod: boolean): KpiCardModel[] {
  return MAIN_KPIS.map((definition) => {
    const kpi = payload.kpis[definition.key];
    return {
      key: definition.key,
      label: definition.label,
      value: definition.format(kpi.current),
      previous: definition.format(kpi.previous),
      delta: computeKpiDelta(kpi.current, kpi.previous, definition.polarity, hasPreviousPeriod),
      ...(definition.hint ? { hint: definition.hint } : {}),
    };
  });
}

/** The secondary cards: no previous period in the payload, so no delta. */
export function extraKpiCards(payload: AnalyticsPayload): KpiCardModel[] {
  const extra = payload.extra_kpis;
  return [
    {
      key: 'avg_closing_days',
      label: 'Avg. closing time',
      value: formatDays(extra.avg_closing_days),
      hint: 'Leads won in the period, from creation to win',
    },
    {
      key: 'advancement_rate',
      label: 'Advancement rate',
      value: formatPercent(extra.advancement_rate),
      hint: 'Won or in recharge, of all leads',
    },
    {
      key: 'in_recharge',
      label: 'In recharge',
      value: formatCount(extra.in_recharge),
      hint: 'Recharged their balance, no shipment yet',
    },
  ];
}
