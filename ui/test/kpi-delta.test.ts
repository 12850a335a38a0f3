import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeKpiDelta, deltaPercentText, deltaTone, describeDelta, type KpiPolarity } from '../src/kpi/kpi-delta.js';

describe('KPI delta', () => {
  it('gives the relative change, rounded half away from zero to 0.1 %', () => {
    expect(computeKpiDelta(320, 290, 'higher-is-better')).toEqual({ kind: 'change', trend: 'up', tone: 'good', difference: 30, percent: 10.3 });
    expect(computeKpiDelta(18, 21, 'lower-is-better')).toEqual({ kind: 'change', trend: 'down', tone: 'good', difference: -3, percent: -14.3 });
    expect(computeKpiDelta(47, 39, 'higher-is-better')).toMatchObject({ percent: 20.5 });
    // 1/8 = 12.5 % exactly, 1/16 = 6.25 % → 6.3 (half away from zero, not banker's rounding)
    expect(computeKpiDelta(17, 16, 'higher-is-better')).toMatchObject({ percent: 6.3 });
    expect(computeKpiDelta(15, 16, 'higher-is-better')).toMatchObject({ percent: -6.3 });
  });

  it('colours a rise of lost leads red and a fall green; the avg shipment cost stays neutral', () => {
    expect(computeKpiDelta(25, 20, 'lower-is-better')).toMatchObject({ trend: 'up', tone: 'bad' });
    expect(computeKpiDelta(15, 20, 'lower-is-better')).toMatchObject({ trend: 'down', tone: 'good' });
    expect(computeKpiDelta(125.4, 118, 'neutral')).toMatchObject({ trend: 'up', tone: 'neutral', percent: 6.3 });
    expect(computeKpiDelta(100, 118, 'neutral')).toMatchObject({ trend: 'down', tone: 'neutral' });
    expect(computeKpiDelta(10, 20, 'higher-is-better')).toMatchObject({ trend: 'down', tone: 'bad', percent: -50 });
  });

  it('shows no delta without a previous period or without a value', () => {
    expect(computeKpiDelta(320, null, 'higher-is-better', false)).toEqual({ kind: 'none', reason: 'no-previous-period' });
    expect(computeKpiDelta(125.4, null, 'neutral')).toEqual({ kind: 'none', reason: 'no-value' });
    expect(computeKpiDelta(null, 118, 'neutral')).toEqual({ kind: 'none', reason: 'no-value' });
    expect(computeKpiDelta(null, null, 'neutral')).toEqual({ kind: 'none', reason: 'no-value' });
  });

  it('says "new" for growth from 0 and "unchanged" for 0 → 0', () => {
    expect(computeKpiDelta(5, 0, 'higher-is-better')).toEqual({ kind: 'new', trend: 'up', tone: 'good', difference: 5 });
    expect(computeKpiDelta(5, 0, 'lower-is-better')).toMatchObject({ kind: 'new', tone: 'bad' });
    const unchanged = computeKpiDelta(0, 0, 'lower-is-better');
    expect(unchanged).toEqual({ kind: 'change', trend: 'flat', tone: 'neutral', difference: 0, percent: 0 });
    expect(describeDelta(unchanged, '0')).toBe('Unchanged from 0 in the previous period');
  });

  it('prints the percentage unsigned, and "<0.1%" for a real move that rounds to zero', () => {
    const drop = computeKpiDelta(18, 21, 'lower-is-better');
    if (drop.kind !== 'change') throw new Error('expected a change');
    expect(deltaPercentText(drop)).toBe('14.3%');
    expect(describeDelta(drop, '21')).toBe('Down 14.3% from 21 in the previous period');
    const tiny = computeKpiDelta(100_001, 100_000, 'higher-is-better');
    if (tiny.kind !== 'change') throw new Error('expected a change');
    expect(tiny.percent).toBe(0);
    expect(deltaPercentText(tiny)).toBe('<0.1%');
    const big = computeKpiDelta(25_000, 100, 'higher-is-better');
    if (big.kind !== 'change') throw new Error('expected a change');
    expect(deltaPercentText(big)).toBe('24,900.0%');
  });

  const polarity = fc.constantFrom<KpiPolarity>('higher-is-better', 'lower-is-better', 'neutral');
  const count = fc.integer({ min: 0, max: 1_000_000 });

  it('always agrees in direction with the difference, and its tone with the polarity', () => {
    fc.assert(
      fc.property(count, count, polarity, (current, previous, kpiPolarity) => {
        const delta = computeKpiDelta(current, previous, kpiPolarity);
        if (previous === 0 && current > 0) {
          expect(delta.kind).toBe('new');
          return;
        }
        if (delta.kind !== 'change') throw new Error(`unexpected ${delta.kind}`);
        expect(delta.difference).toBe(current - previous);
        expect(delta.trend).toBe(current > previous ? 'up' : current < previous ? 'down' : 'flat');
        expect(Math.sign(delta.percent) === Math.sign(delta.difference) || delta.percent === 0).toBe(true);
        if (previous > 0) expect(Math.abs(delta.percent - ((current - previous) / previous) * 100)).toBeLessThanOrEqual(0.05 + 1e-9);
        else expect(delta.percent).toBe(0); // 0 → 0
        expect(delta.tone).toBe(deltaTone(delta.trend, kpiPolarity));
        if (kpiPolarity === 'neutral' || delta.trend === 'flat') expect(delta.tone).toBe('neutral');
      }),
    );
  });

  it('gives opposite tones to the same move under opposite polarities', () => {
    fc.assert(
      fc.property(count, count, (current, previous) => {
        fc.pre(current !== previous);
        const up = computeKpiDelta(current, previous, 'higher-is-better');
        const down = computeKpiDelta(current, previous, 'lower-is-better');
        expect(new Set([up.kind === 'none' ? '' : up.tone, down.kind === 'none' ? '' : down.tone])).toEqual(new Set(['good', 'bad']));
      }),
    );
  });
});
