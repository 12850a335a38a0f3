import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { TrendsPayload } from '@domain/trends.js';
import TrendPanel from '../src/components/TrendPanel.vue';
import { bucketLabel } from '../src/trends/trend-labels.js';

vi.mock('vue-echarts', async () => ({ default: (await import('./chart-stub.js')).ChartStub }));

const point = (start: string, end: string, total: number, won: number) => ({
  start,
  end,
  total_leads: total,
  won,
  lost: 1,
  in_recharge: 0,
  remaining: total - won - 1,
  advancement_rate: Math.round((won / total) * 1000) / 10,
  total_shipments: 3,
  value_usd: 12.5,
  closed_won: 2,
  avg_closing_days: 4.5,
});

const TRENDS: TrendsPayload = {
  interval: 'week',
  series: [point('2026-03-25', '2026-03-29', 4, 1), point('2026-03-30', '2026-04-05', 6, 3)],
  meta: { source: 'live', computed_at: '2026-04-17T12:00:00.000Z', data_as_of: null },
};

describe('trend panel', () => {
  const mountPanel = (trends: TrendsPayload | null, failure: string | null = null) =>
    mount(TrendPanel, { props: { trends, interval: 'week', intervalIsDefault: true, failure } });

  it('draws leads stacked by outcome, closed won and the advancement rate, and lists the same buckets', () => {
    const wrapper = mountPanel(TRENDS);
    const option = JSON.parse(wrapper.get('.chart-stub').attributes('data-option') ?? '{}') as {
      xAxis: { data: string[] };
      series: { name: string; type: string; stack?: string; data: number[] }[];
    };
    expect(option.xAxis.data).toEqual(['Wk Mar 23', 'Wk Mar 30']);
    expect(option.series.filter((entry) => entry.stack === 'created').map((entry) => entry.name)).toEqual(['Won', 'In recharge', 'Remaining', 'Lost']);
    expect(option.series.find((entry) => entry.name === 'Won')?.data).toEqual([1, 3]);
    expect(option.series.find((entry) => entry.name === 'Closed won')?.data).toEqual([2, 2]);
    expect(option.series.find((entry) => entry.name === 'Advancement rate')?.data).toEqual([25, 50]);
    const rows = wrapper.findAll('[data-role="trend-table"] tbody tr');
    expect(rows.map((row) => [row.attributes('data-start'), row.get('[data-field="total_leads"]').text()])).toEqual([
      ['2026-03-25', '4'],
      ['2026-03-30', '6'],
    ]);
    expect(wrapper.get('[data-role="trend-total"]').text()).toContain('10 leads in 2 buckets');
  });

  it('emits the bucket chosen and the interval switched to', async () => {
    const wrapper = mountPanel(TRENDS);
    await wrapper.findAll('[data-action="select-bucket"]')[1]!.trigger('click');
    expect(wrapper.emitted('select')).toEqual([[{ start: '2026-03-30', end: '2026-04-05' }]]);
    await wrapper.get('button[data-interval="month"]').trigger('click');
    expect(wrapper.emitted('interval')).toEqual([['month']]);
    expect(wrapper.get('button[data-interval="week"]').attributes('aria-pressed')).toBe('true');
  });

  it('says so when no lead matches, and shows a refusal in the panel', () => {
    expect(mountPanel({ ...TRENDS, series: [] }).text()).toContain('No leads match these filters.');
    const refused = mountPanel(null, '"interval" day gives 1001 buckets over this range; at most 1000 are allowed');
    expect(refused.get('[data-role="trend-failure"]').text()).toContain('"interval"');
  });

  it('labels days, ISO weeks by their Monday (even clipped) and months', () => {
    expect(bucketLabel({ start: '2026-04-07', end: '2026-04-07' }, 'day')).toBe('Apr 7');
    expect(bucketLabel({ start: '2026-04-01', end: '2026-04-05' }, 'week')).toBe('Wk Mar 30');
    expect(bucketLabel({ start: '2026-03-15', end: '2026-03-31' }, 'month')).toBe('Mar 2026');
  });
});
