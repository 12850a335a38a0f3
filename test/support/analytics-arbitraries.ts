import fc from 'fast-check';
import { formatDbDateTime } from '../../src/db/datetime.js';
import { instant, leadRow, type LeadFixture, type LeadRow } from './analytics-fixtures.js';
import type { ReferenceQuery } from './reference-analytics.js';

/** Random leads and queries for property and cross-dialect tests, all within 2026-01 … 2026-04. */
export const NOW = instant('2026-04-17 12:00');
const WINDOW_START = instant('2026-01-01 00:00');
const WINDOW_DAYS = 120;

export const STAGES = [
  ['contactado', 'primary'],
  ['negociacion', 'warning'],
  ['Propuesta', 'dark'],
] as const;
const LOCALES = [
  [1, 1],
  [2, 20],
  [3, 3.742],
  [4, 4012.5],
] as const;
const SALESMEN = [
  [1, 'Ana'],
  [2, 'ana'],
  [3, 'Bruno'],
  [4, 'Ana'],
] as const;
const PRODUCTS = ['packageContent.food', 'packageContent.toys', 'packageContent.Books'] as const;

/** Instants on a coarse grid (so created_at ties happen), sometimes with milliseconds. */
const instantArb = fc
  .tuple(fc.integer({ min: 0, max: WINDOW_DAYS * 4 }), fc.constantFrom(0, 0, 0, 1, 999))
  .map(([quarterDays, millis]) => WINDOW_START + quarterDays * 6 * 3600_000 + millis);

const leadArb = fc
  .record({
    prospect: fc.boolean(),
    salesman: fc.option(fc.constantFrom(...SALESMEN), { nil: undefined }),
    locale: fc.constantFrom(...LOCALES),
    tier: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    stage: fc.constantFrom(...STAGES),
    product: fc.option(fc.constantFrom(...PRODUCTS), { nil: null }),
    shipments: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 })),
    cents: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000_000 })),
    won: fc.boolean(),
    lost: fc.boolean(),
    wonAfterDays: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
    hasShipment: fc.boolean(),
    hasRecharge: fc.boolean(),
    created: instantArb,
  })
  .map((lead): Omit<LeadFixture, 'id'> => ({
    type: lead.prospect ? 'prospect' : 'company',
    ...(lead.salesman ? { salesman: lead.salesman } : {}),
    locale: lead.locale[0],
    rate: lead.locale[1],
    // prospects have no tier (SPEC §2)
    tier: lead.prospect ? null : lead.tier,
    stage: lead.stage[0],
    color: lead.stage[1],
    product: lead.product,
    shipments: lead.shipments,
    value: lead.cents / 100,
    won: lead.won,
    lost: lead.lost,
    // a lead won at some point keeps won_at, even when lost afterwards
    wonAt: lead.won && lead.wonAfterDays !== null ? formatDbDateTime(lead.created + lead.wonAfterDays * 86_400_000 + 3_600_000) : null,
    hasShipment: lead.prospect ? false : lead.hasShipment,
    hasRecharge: lead.prospect ? false : lead.hasRecharge,
    created: new Date(lead.created).toISOString(),
  }));

export function leadsArb(maxLength = 160): fc.Arbitrary<LeadRow[]> {
  return fc.array(leadArb, { maxLength, size: 'max' }).map((leads) => {
    const next = { company: 1, prospect: 1 };
    return leads.map((lead) => leadRow({ ...lead, id: next[lead.type ?? 'company']++ }));
  });
}

const dateArb = fc.integer({ min: -10, max: WINDOW_DAYS + 10 }).map((day) => new Date(WINDOW_START + day * 86_400_000).toISOString().slice(0, 10));

/** Each filter is set about one time in three (all of them at once would match nothing). */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary, weight: 1 });

export const queryArb: fc.Arbitrary<ReferenceQuery> = fc
  .record({
    range: sometimes(fc.tuple(dateArb, dateArb).map(([a, b]) => (a <= b ? [a, b] : [b, a]))),
    localeIds: sometimes(fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })),
    salesman: sometimes(fc.integer({ min: 1, max: 5 })),
    tier: sometimes(fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 })),
    stage: sometimes(fc.constantFrom('won', 'customer_lost', 'in_recharge', ...STAGES.map(([name]) => name))),
    product: sometimes(fc.constantFrom(...PRODUCTS, 'packageContent.none')),
  })
  .map(({ range, ...rest }) => ({
    ...(range ? { startDate: range[0], endDate: range[1] } : {}),
    ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
  }));

export function queryString(query: ReferenceQuery): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) parts.push(`${key}=${encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value))}`);
  return parts.join('&');
}

