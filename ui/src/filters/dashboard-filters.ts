import type { CalendarDate } from '@domain/calendar.js';
import { PRESET_LABELS, presetRange, SNAPSHOT_PRESETS, type DateRange, type SnapshotPresetKey } from '@domain/presets.js';

/**
 * The dashboard's filters, as the URL query holds them (so a view can be shared and reloaded) and
 * as the API receives them. Values stay the strings the user or the URL gave: the API is the one
 * judge of validity, and a bad value comes back as its 422 message naming the parameter.
 */
export type PeriodChoice = SnapshotPresetKey | 'all' | 'custom';

export interface DashboardFilters {
  readonly period: PeriodChoice;
  /** Only for `custom`. */
  readonly startDate: string;
  readonly endDate: string;
  readonly localeIds: readonly string[];
  readonly salesman: string;
  readonly tier: readonly string[];
  readonly stage: string;
  readonly product: string;
}

/** The period a fresh dashboard opens on: a preset the snapshot job precomputes. */
export const DEFAULT_PERIOD: PeriodChoice = 'last30';

export const PERIOD_CHOICES: ReadonlyArray<{ readonly value: PeriodChoice; readonly label: string }> = [
  ...SNAPSHOT_PRESETS.map((preset) => ({ value: preset, label: PRESET_LABELS[preset] })),
  { value: 'all', label: 'All time' },
  { value: 'custom', label: 'Custom' },
];

export const EMPTY_FILTERS: DashboardFilters = {
  period: DEFAULT_PERIOD,
  startDate: '',
  endDate: '',
  localeIds: [],
  salesman: '',
  tier: [],
  stage: '',
  product: '',
};

const isPreset = (value: string): value is SnapshotPresetKey => (SNAPSHOT_PRESETS as readonly string[]).includes(value);

const list = (value: string | null): string[] =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/**
 * Reads the URL query. `preset=last30|1m|3m|6m|all` picks a preset (re-evaluated against today on
 * every load, so a shared "last 30 days" link stays the last 30 days); `startDate`/`endDate` give a
 * custom range; neither gives the default preset.
 */
export function filtersFromQuery(query: URLSearchParams): DashboardFilters {
  const startDate = query.get('startDate') ?? '';
  const endDate = query.get('endDate') ?? '';
  const preset = query.get('preset') ?? '';
  let period: PeriodChoice = DEFAULT_PERIOD;
  if (startDate !== '' || endDate !== '') period = 'custom';
  else if (preset === 'all' || isPreset(preset)) period = preset;
  return {
    period,
    startDate: period === 'custom' ? startDate : '',
    endDate: period === 'custom' ? endDate : '',
    localeIds: list(query.get('localeIds')),
    salesman: (query.get('salesman') ?? '').trim(),
    tier: list(query.get('tier')),
    stage: query.get('stage') ?? '',
    product: query.get('product') ?? '',
  };
}

function appendFilterParameters(query: URLSearchParams, filters: DashboardFilters): void {
  if (filters.localeIds.length > 0) query.set('localeIds', filters.localeIds.join(','));
  if (filters.salesman !== '') query.set('salesman', filters.salesman);
  if (filters.tier.length > 0) query.set('tier', filters.tier.join(','));
  if (filters.stage !== '') query.set('stage', filters.stage);
  if (filters.product !== '') query.set('product', filters.product);
}

/** The URL query that reproduces these filters (the default period is left out). */
export function filtersToQuery(filters: DashboardFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.period === 'custom') {
    if (filters.startDate !== '') query.set('startDate', filters.startDate);
    if (filters.endDate !== '') query.set('endDate', filters.endDate);
  } else if (filters.period !== DEFAULT_PERIOD) {
    query.set('preset', filters.period);
  }
  appendFilterParameters(query, filters);
  return query;
}

/** The date range a period stands for on `today` (CRM_TIMEZONE); null for all time. */
export function resolvePeriod(filters: DashboardFilters, today: CalendarDate): Partial<DateRange> | null {
  if (filters.period === 'all') return null;
  if (filters.period === 'custom') {
    return {
      ...(filters.startDate !== '' ? { startDate: filters.startDate } : {}),
      ...(filters.endDate !== '' ? { endDate: filters.endDate } : {}),
    };
  }
  return presetRange(filters.period, today);
}

/** The query of `GET /prospects/client-analytics` for these filters on `today`. */
export function analyticsQuery(filters: DashboardFilters, today: CalendarDate): URLSearchParams {
  const query = new URLSearchParams();
  const range = resolvePeriod(filters, today);
  if (range?.startDate !== undefined) query.set('startDate', range.startDate);
  if (range?.endDate !== undefined) query.set('endDate', range.endDate);
  appendFilterParameters(query, filters);
  return query;
}

/** Whether the payload's `previous` values mean anything: only a request with a date range has them. */
export function hasDateRange(filters: DashboardFilters): boolean {
  return filters.period !== 'all';
}

/** The filters with some fields replaced: a drill-down, a select, a cleared chip. */
export function withFilters(filters: DashboardFilters, changes: Partial<DashboardFilters>): DashboardFilters {
  const next = { ...filters, ...changes };
  if (next.period !== 'custom') return { ...next, startDate: '', endDate: '' };
  return next;
}

/** Keeps the period and locales (what a snapshot is keyed on), drops every interactive filter. */
export function withoutInteractiveFilters(filters: DashboardFilters): DashboardFilters {
  return { ...filters, salesman: '', tier: [], stage: '', product: '' };
}
