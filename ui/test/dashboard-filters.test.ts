import { presetRange } from '@domain/presets.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyticsQuery,
  EMPTY_FILTERS,
  filtersFromQuery,
  filtersToQuery,
  hasDateRange,
  withFilters,
  withoutInteractiveFilters,
  type DashboardFilters,
} from '../src/filters/dashboard-filters.js';

const TODAY = '2026-05-31';
const q = (text: string) => new URLSearchParams(text);

describe('dashboard filters ↔ URL ↔ API query', () => {
  it('opens on the last 30 days and keeps that out of the URL', () => {
    const filters = filtersFromQuery(q(''));
    expect(filters).toEqual(EMPTY_FILTERS);
    expect(filters.period).toBe('last30');
    expect(filtersToQuery(filters).toString()).toBe('');
    expect(analyticsQuery(filters, TODAY).toString()).toBe('startDate=2026-05-01&endDate=2026-05-31');
  });

  it('turns each preset into the dates the snapshot job uses for the same day', () => {
    for (const preset of ['last30', '1m', '3m', '6m'] as const) {
      const filters = filtersFromQuery(q(`preset=${preset}`));
      const range = presetRange(preset, TODAY);
      expect(Object.fromEntries(analyticsQuery(filters, TODAY))).toEqual({ startDate: range.startDate, endDate: range.endDate });
    }
    // May 31 − 3 months clamps to Feb 28 (SPEC §6)
    expect(analyticsQuery(filtersFromQuery(q('preset=3m')), TODAY).get('startDate')).toBe('2026-02-28');
    expect(analyticsQuery(filtersFromQuery(q('preset=1m')), TODAY).get('startDate')).toBe('2026-05-01');
  });

  it('sends no dates for all time, and then the KPI cards have no previous period', () => {
    const filters = filtersFromQuery(q('preset=all&localeIds=3,1'));
    expect(analyticsQuery(filters, TODAY).toString()).toBe('localeIds=3%2C1');
    expect(hasDateRange(filters)).toBe(false);
    expect(hasDateRange(EMPTY_FILTERS)).toBe(true);
  });

  it('passes a custom range and every filter through as given, leaving validation to the API', () => {
    const filters = filtersFromQuery(q('startDate=2026-02-30&endDate=2026-03-01&localeIds=1,x&salesman=abc&tier=1,9&stage=won&product=packageContent.food'));
    expect(filters.period).toBe('custom');
    expect(Object.fromEntries(analyticsQuery(filters, TODAY))).toEqual({
      startDate: '2026-02-30',
      endDate: '2026-03-01',
      localeIds: '1,x',
      salesman: 'abc',
      tier: '1,9',
      stage: 'won',
      product: 'packageContent.food',
    });
    // Only one end of the range: sent as it is, so the API's 422 names the missing one.
    expect(analyticsQuery(filtersFromQuery(q('startDate=2026-01-01')), TODAY).toString()).toBe('startDate=2026-01-01');
  });

  it('ignores an unknown preset and parameters it does not know', () => {
    expect(filtersFromQuery(q('preset=yesterday&utm_source=mail'))).toEqual(EMPTY_FILTERS);
  });

  it('drills down and clears without touching the period', () => {
    const base = filtersFromQuery(q('preset=6m&localeIds=2'));
    const drilled = withFilters(base, { stage: 'won', salesman: '5' });
    expect(filtersToQuery(drilled).toString()).toBe('preset=6m&localeIds=2&salesman=5&stage=won');
    expect(withoutInteractiveFilters(drilled)).toEqual(base);
    // Leaving a custom range drops its dates.
    const custom = filtersFromQuery(q('startDate=2026-01-01&endDate=2026-01-31'));
    expect(withFilters(custom, { period: '1m' })).toMatchObject({ period: '1m', startDate: '', endDate: '' });
  });

  const value = fc.stringMatching(/^[a-z0-9._-]{1,12}$/);
  const filtersArbitrary: fc.Arbitrary<DashboardFilters> = fc.record({
    period: fc.constantFrom<DashboardFilters['period']>('last30', '1m', '3m', '6m', 'all', 'custom'),
    startDate: fc.constantFrom('2026-01-01', '2025-12-31'),
    endDate: fc.constantFrom('2026-01-31', '2026-02-28'),
    localeIds: fc.array(fc.integer({ min: 1, max: 99 }).map(String), { maxLength: 4 }),
    salesman: fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 999 }).map(String)),
    tier: fc.array(fc.integer({ min: 0, max: 5 }).map(String), { maxLength: 3 }),
    stage: fc.oneof(fc.constant(''), value),
    product: fc.oneof(fc.constant(''), value),
  });

  it('reads back from the URL exactly the filters it wrote', () => {
    fc.assert(
      fc.property(filtersArbitrary, (raw) => {
        const filters = withFilters(raw, {});
        expect(filtersFromQuery(filtersToQuery(filters))).toEqual(filters);
      }),
    );
  });
});
