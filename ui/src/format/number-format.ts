/**
 * How the dashboard writes numbers: English grouping (`12,345`), USD with cents, percentages as
 * the API gives them (already × 100). One fixed locale so every screen and test reads the same.
 */
const LOCALE = 'en-US';
export const MISSING_VALUE = '—';

const countFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const usdFormat = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const decimalFormats = new Map<number, Intl.NumberFormat>();

function decimalFormat(decimals: number): Intl.NumberFormat {
  let format = decimalFormats.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    decimalFormats.set(decimals, format);
  }
  return format;
}

/** -0 (from rounding a tiny negative) reads as 0. */
const unsignedZero = (value: number): number => (Object.is(value, -0) ? 0 : value);

/** `12345` → `12,345`. */
export function formatCount(value: number | null): string {
  return value === null ? MISSING_VALUE : countFormat.format(unsignedZero(value));
}

/** `48200` → `$48,200.00`. */
export function formatUsd(value: number | null): string {
  return value === null ? MISSING_VALUE : usdFormat.format(unsignedZero(value));
}

/** A number with a fixed count of decimals: `1234.5, 1` → `1,234.5`. */
export function formatDecimal(value: number | null, decimals: number): string {
  return value === null ? MISSING_VALUE : decimalFormat(decimals).format(unsignedZero(value));
}

/** A percentage the API already multiplied by 100: `26.6` → `26.6%`, `100` → `100.0%`. */
export function formatPercent(value: number | null, decimals = 1): string {
  return value === null ? MISSING_VALUE : `${formatDecimal(value, decimals)}%`;
}

/** `42.5` → `42.5 days`, `1` → `1 day`. */
export function formatDays(value: number | null, decimals = 1): string {
  if (value === null) return MISSING_VALUE;
  const text = Number.isInteger(value) ? formatCount(value) : formatDecimal(value, decimals);
  return `${text} ${value === 1 ? 'day' : 'days'}`;
}
