import { instant, type LeadFixture } from './analytics-fixtures.js';

/**
 * The hand-made twelve-lead dataset the payload tests (and the lead list, trends …) are worked out
 * on: every expected value in those tests comes by hand from the rules of SPEC §3–5 and this
 * table, never from the code under test.
 */
export const NOW = instant('2026-04-17 12:00');

const ANA_5 = [5, 'Ana Gomez'] as const;
const ANA_3 = [3, 'Ana Gomez'] as const;
const CARLOS = [8, 'Carlos Ruiz'] as const;
const ZOE = [9, 'Zoe Vega'] as const;

/**
 * Twelve leads. The request range R = 2026-04-01 … 2026-04-10 (10 days), its previous period
 * P = 2026-03-22 … 2026-03-31. Locale 1 rate 1, locale 2 rate 20, locale 3 rate 4000.
 *
 *  lead       salesman  tier  stage        product      ship  usd      flags            created           in
 *  c1 Acme    Ana 5     2     contactado   electronics  10    1000     recharge+ship    04-01 00:00       R
 *  c2 Bolt    Carlos    1     negociacion  electronics  5     1000     won 04-08, r+s   04-02 00:00       R
 *  c3 Crux    Carlos    -     contactado   clothing     0     500      recharge only    04-03 12:00       R
 *  p1 Delta   -         -     contactado   -            3     30                        04-03 12:00       R
 *  c4 Echo    Ana 3     2     propuesta    clothing     2     100      won 04-09+lost, recharge only  04-05  R
 *  p2 Foxtrot Ana 5     -     negociacion  food         0     100      lost             04-10 23:59:59.999 R
 *  c5 Golf    Ana 5     0     contactado   food         1     100                       04-11 00:00       (after R)
 *  c6 Hotel   Carlos    3     contactado   electronics  4     400.03                    03-25 00:00       P
 *  p3 India   Zoe       -     negociacion  -            2     2        lost             03-31 23:00       P
 *  c7 Juliet  Ana 5     4     contactado   -            0     0        won 04-05        01-01 00:00       -
 *  c8 Kilo    Carlos    5     negociacion  electronics  0     500      won 04-12        04-06 00:00       R
 *  c9 Lima    Ana 3     1     propuesta    books        0     100                       04-07 00:00       R
 */
export const TWELVE_LEADS: LeadFixture[] = [
  { id: 1, name: 'Acme', salesman: ANA_5, tier: 2, product: 'packageContent.electronics', shipments: 10, value: 1000, hasRecharge: true, hasShipment: true, created: '2026-04-01 00:00' },
  { id: 2, name: 'Bolt', salesman: CARLOS, locale: 2, rate: 20, tier: 1, stage: 'negociacion', color: 'warning', product: 'packageContent.electronics', shipments: 5, value: 20000, won: true, wonAt: '2026-04-08 00:00', hasRecharge: true, hasShipment: true, created: '2026-04-02 00:00' },
  { id: 3, name: 'Crux', salesman: CARLOS, product: 'packageContent.clothing', value: 500, hasRecharge: true, created: '2026-04-03 12:00' },
  { type: 'prospect', id: 1, name: 'Delta', shipments: 3, value: 30, created: '2026-04-03 12:00' },
  { id: 4, name: 'Echo', salesman: ANA_3, locale: 2, rate: 20, tier: 2, stage: 'propuesta', color: 'dark', product: 'packageContent.clothing', shipments: 2, value: 2000, won: true, lost: true, wonAt: '2026-04-09 00:00', hasRecharge: true, created: '2026-04-05 00:00' },
  { type: 'prospect', id: 2, name: 'Foxtrot', salesman: ANA_5, locale: 3, rate: 4000, stage: 'negociacion', color: 'warning', product: 'packageContent.food', value: 400000, lost: true, created: '2026-04-10T23:59:59.999Z' },
  { id: 5, name: 'Golf', salesman: ANA_5, tier: 0, product: 'packageContent.food', shipments: 1, value: 100, created: '2026-04-11 00:00' },
  { id: 6, name: 'Hotel', salesman: CARLOS, tier: 3, product: 'packageContent.electronics', shipments: 4, value: 400.03, created: '2026-03-25 00:00' },
  { type: 'prospect', id: 3, name: 'India', salesman: ZOE, locale: 3, rate: 4000, stage: 'negociacion', color: 'warning', shipments: 2, value: 8000, lost: true, created: '2026-03-31 23:00' },
  { id: 7, name: 'Juliet', salesman: ANA_5, tier: 4, won: true, wonAt: '2026-04-05 00:00', created: '2026-01-01 00:00' },
  { id: 8, name: 'Kilo', salesman: CARLOS, locale: 2, rate: 20, tier: 5, stage: 'negociacion', color: 'warning', product: 'packageContent.electronics', value: 10000, won: true, wonAt: '2026-04-12 00:00', created: '2026-04-06 00:00' },
  { id: 9, name: 'Lima', salesman: ANA_3, tier: 1, stage: 'propuesta', color: 'dark', product: 'packageContent.books', value: 100, created: '2026-04-07 00:00' },
];

export const ALL_EXECUTIVES = [
  { id: 3, name: 'Ana Gomez' },
  { id: 5, name: 'Ana Gomez' },
  { id: 8, name: 'Carlos Ruiz' },
  { id: 9, name: 'Zoe Vega' },
];
