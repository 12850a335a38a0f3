import { describe, expect, it } from 'vitest';
import { formatCount, formatDays, formatDecimal, formatPercent, formatUsd, MISSING_VALUE } from '../src/format/number-format.js';

describe('number formatting', () => {
  it('groups thousands in counts', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(20000)).toBe('20,000');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('writes USD with cents and separators', () => {
    expect(formatUsd(48200)).toBe('$48,200.00');
    expect(formatUsd(125.4)).toBe('$125.40');
    expect(formatUsd(0.005)).toBe('$0.01');
    expect(formatUsd(1234567.891)).toBe('$1,234,567.89');
    expect(formatUsd(0)).toBe('$0.00');
  });

  it('writes percentages the API already multiplied by 100, with one decimal', () => {
    expect(formatPercent(26.6)).toBe('26.6%');
    expect(formatPercent(100)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(1234.5)).toBe('1,234.5%');
  });

  it('writes days, singular for exactly one', () => {
    expect(formatDays(42)).toBe('42 days');
    expect(formatDays(42.5)).toBe('42.5 days');
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(1234.5)).toBe('1,234.5 days');
  });

  it('shows a dash for a missing value and never a negative zero', () => {
    expect(formatUsd(null)).toBe(MISSING_VALUE);
    expect(formatCount(null)).toBe(MISSING_VALUE);
    expect(formatPercent(null)).toBe(MISSING_VALUE);
    expect(formatDays(null)).toBe(MISSING_VALUE);
    expect(formatDecimal(-0, 1)).toBe('0.0');
    expect(formatUsd(-0)).toBe('$0.00');
  });
});
