import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import AgingTable from '../src/components/AgingTable.vue';
import ExecutiveBars from '../src/components/ExecutiveBars.vue';
import FunnelBars from '../src/components/FunnelBars.vue';
import KpiCard from '../src/components/KpiCard.vue';
import OutcomePie from '../src/components/OutcomePie.vue';
import ProductTable from '../src/components/ProductTable.vue';
import StatusPanel from '../src/components/StatusPanel.vue';
import TierBars from '../src/components/TierBars.vue';
import { ALL_TIME_PAYLOAD, PAYLOAD } from './fixtures/analytics-fixtures.js';
import { mainKpiCards } from '../src/kpi/kpi-cards.js';
import { ChartStub } from './chart-stub.js';

vi.mock('vue-echarts', async () => ({ default: (await import('./chart-stub.js')).ChartStub }));

const text = (wrapper: { text(): string }) => wrapper.text().replace(/\s+/g, ' ').trim();

describe('KPI cards', () => {
  const cards = mainKpiCards(PAYLOAD, true);
  const card = (key: string) => {
    const model = cards.find((entry) => entry.key === key);
    if (!model) throw new Error(key);
    return mount(KpiCard, { props: { kpiKey: model.key, label: model.label, value: model.value, previous: model.previous, delta: model.delta, hint: model.hint } });
  };

  it('shows the value, the previous one and an arrow coloured by whether the move is good', () => {
    const leads = card('total_leads');
    expect(leads.get('[data-role="value"]').text()).toBe('1,320');
    expect(leads.get('[data-role="previous"]').text()).toBe('prev. 1,290');
    const leadsDelta = leads.get('[data-role="delta"]');
    expect(leadsDelta.attributes()).toMatchObject({ 'data-trend': 'up', 'data-tone': 'good' });
    expect(text(leadsDelta)).toContain('▲');
    expect(text(leadsDelta)).toContain('2.3%');

    const shipments = card('total_shipments');
    expect(shipments.get('[data-role="delta"]').attributes()).toMatchObject({ 'data-trend': 'down', 'data-tone': 'bad' });
    expect(text(shipments.get('[data-role="delta"]'))).toContain('▼');

    const lost = card('total_lost');
    expect(lost.get('[data-role="delta"]').attributes()).toMatchObject({ 'data-trend': 'down', 'data-tone': 'good' });
    expect(lost.get('[data-role="delta"]').attributes('title')).toBe('Down 2.5% from 121 in the previous period');

    const cost = card('avg_shipment_cost');
    expect(cost.get('[data-role="value"]').text()).toBe('$125.40');
    expect(cost.get('[data-role="previous"]').text()).toBe('prev. $118.00');
    expect(cost.get('[data-role="delta"]').attributes()).toMatchObject({ 'data-trend': 'up', 'data-tone': 'neutral' });
  });

  it('shows no delta for an all-time view', () => {
    const model = mainKpiCards(ALL_TIME_PAYLOAD, false)[0]!;
    const wrapper = mount(KpiCard, { props: { kpiKey: model.key, label: model.label, value: model.value, previous: model.previous, delta: model.delta } });
    expect(wrapper.get('[data-role="value"]').text()).toBe('20,000');
    expect(wrapper.find('[data-role="delta"]').exists()).toBe(false);
    expect(wrapper.get('[data-role="previous"]').text()).toBe('All time: no previous period');
  });

  it('says "new" when the previous period had none', () => {
    const wrapper = mount(KpiCard, {
      props: { kpiKey: 'total_lost', label: 'Lost leads', value: '4', previous: '0', delta: { kind: 'new', trend: 'up', tone: 'bad', difference: 4 } },
    });
    expect(text(wrapper.get('[data-role="delta"]'))).toContain('new');
    expect(wrapper.get('[data-role="delta"]').attributes('data-tone')).toBe('bad');
  });
});

describe('sales funnel', () => {
  const colors = new Map([
    ['contactado', 'primary'],
    ['negociacion', 'warning'],
  ]);

  it('lists every stage with its count and percentage, bars coloured by stage', () => {
    const wrapper = mount(FunnelBars, { props: { entries: PAYLOAD.sales_funnel, pipelineColors: colors, activeStage: '' } });
    const rows = wrapper.findAll('button[data-stage]');
    expect(rows.map((row) => row.attributes('data-stage'))).toEqual(['contactado', 'negociacion', 'won', 'customer_lost', 'in_recharge']);
    expect(rows.map((row) => row.get('[data-role="count"]').text())).toEqual(['585', '300', '247', '118', '70']);
    expect(rows.map((row) => row.get('[data-role="percentage"]').text())).toEqual(['44.3%', '22.7%', '18.7%', '8.9%', '5.3%']);
    expect(rows.map((row) => row.get('.funnel__bar').classes().find((name) => name.startsWith('fill--')))).toEqual([
      'fill--primary',
      'fill--warning',
      'fill--success',
      'fill--danger',
      'fill--info',
    ]);
    expect(rows[0]!.get('.funnel__bar').attributes('style')).toContain('width: 100%');
  });

  it('drills down on a click and marks the active stage', async () => {
    const wrapper = mount(FunnelBars, { props: { entries: PAYLOAD.sales_funnel, pipelineColors: colors, activeStage: 'won' } });
    expect(wrapper.get('button[data-stage="won"]').attributes('aria-pressed')).toBe('true');
    await wrapper.get('button[data-stage="negociacion"]').trigger('click');
    expect(wrapper.emitted('drill')).toEqual([['negociacion']]);
  });
});

describe('charts', () => {
  it('drills down from a pie slice to its virtual stage, but not from "remaining"', async () => {
    const wrapper = mount(OutcomePie, { props: { summary: PAYLOAD.outcome_summary, activeStage: '' } });
    const chart = wrapper.getComponent(ChartStub);
    const option = JSON.parse(chart.attributes('data-option')!) as { series: Array<{ data: Array<{ name: string; value: number }> }> };
    expect(option.series[0]!.data.map((slice) => [slice.name, slice.value])).toEqual([
      ['Won', 247],
      ['Lost', 118],
      ['In recharge', 70],
      ['Remaining', 885],
    ]);
    chart.vm.$emit('click', { data: { bucket: 'lost' } });
    chart.vm.$emit('click', { data: { bucket: 'remaining' } });
    await wrapper.get('.legend button[data-stage="in_recharge"]').trigger('click');
    expect(wrapper.emitted('drill')).toEqual([['customer_lost'], ['in_recharge']]);
    expect(wrapper.findAll('[data-role="count"]').map((cell) => cell.text())).toEqual(['247', '118', '70', '885']);
  });

  it('opens the leads of an executive bar segment (bars are drawn bottom-up)', () => {
    const wrapper = mount(ExecutiveBars, { props: { entries: PAYLOAD.by_executive_stage } });
    const chart = wrapper.getComponent(ChartStub);
    const option = JSON.parse(chart.attributes('data-option')!) as { yAxis: { data: string[] }; series: Array<{ name: string; data: number[] }> };
    expect(option.yAxis.data).toEqual(['Unassigned', 'Carlos Ruiz', 'Ana Gómez']);
    expect(option.series.map((series) => [series.name, series.data])).toEqual([
      ['Won', [7, 90, 150]],
      ['Lost', [8, 50, 60]],
      ['Remaining', [55, 300, 600]],
    ]);
    chart.vm.$emit('click', { dataIndex: 2, seriesIndex: 0 });
    chart.vm.$emit('click', { dataIndex: 0, seriesIndex: 0 }); // unassigned: no parameter selects it
    chart.vm.$emit('click', { dataIndex: 1, seriesIndex: 1 });
    chart.vm.$emit('click', { dataIndex: 2, seriesIndex: 2 });
    expect(wrapper.emitted('list')).toEqual([
      [5, 'Ana Gómez', 'won', 150],
      [8, 'Carlos Ruiz', 'lost', 50],
      [5, 'Ana Gómez', 'remaining', 600],
    ]);
  });

  it('opens the leads of a tier bar, but not of "No tier"', () => {
    const wrapper = mount(TierBars, { props: { entries: PAYLOAD.by_tier } });
    const chart = wrapper.getComponent(ChartStub);
    const option = JSON.parse(chart.attributes('data-option')!) as { xAxis: { data: string[] }; series: Array<{ data: number[] }> };
    expect(option.xAxis.data).toEqual(['No tier', 'T1', 'T2']);
    expect(option.series[0]!.data).toEqual([200, 530, 225]);
    chart.vm.$emit('click', { dataIndex: 0 });
    chart.vm.$emit('click', { dataIndex: 2 });
    expect(wrapper.emitted('list')).toEqual([['2', 225]]);
  });
});

describe('tables', () => {
  it('lists products in USD and drills down from a row', async () => {
    const wrapper = mount(ProductTable, { props: { entries: PAYLOAD.by_product, activeProduct: '' } });
    const rows = wrapper.findAll('tbody tr');
    expect(rows.map((row) => [row.get('button').text(), row.get('[data-role="lead-count"]').text(), row.get('[data-role="total-value"]').text()])).toEqual([
      ['Electronics', '395', '$1,048,200.00'],
      ['Auto parts', '120', '$48,200.50'],
    ]);
    await rows[1]!.get('button').trigger('click');
    expect(wrapper.emitted('drill')).toEqual([['packageContent.autoParts']]);
  });

  it('shows the aging table with stage badges in the stage colour and the age in days', () => {
    const leads = [...PAYLOAD.active_leads, { ...PAYLOAD.active_leads[0]!, record_id: 9, stage_name: 'raro', stage_color: 'fuchsia' }];
    const wrapper = mount(AgingTable, { props: { leads } });
    const rows = wrapper.findAll('tbody tr');
    expect(rows.map((row) => row.attributes('data-record'))).toEqual(['company-1024', 'prospect-77', 'company-9']);
    expect(rows.map((row) => row.get('.stage-badge').attributes('data-color'))).toEqual(['warning', 'info', 'secondary']);
    expect(rows.map((row) => row.get('.stage-badge').text())).toEqual(['Negociacion', 'In recharge', 'Raro']);
    expect(rows.map((row) => row.get('[data-role="age"]').text())).toEqual(['1,312 d', '40 d', '1,312 d']);
    expect(text(rows[1]!)).toContain('Unassigned');
    expect(text(rows[1]!)).toContain('No tier');
  });
});

describe('error states', () => {
  it('shows the 422 message naming the parameter, with a way back', async () => {
    const wrapper = mount(StatusPanel, { props: { failure: { kind: 'invalid-parameter', message: 'startDate must be a real calendar date' } } });
    expect(wrapper.attributes('data-state')).toBe('invalid-parameter');
    expect(wrapper.get('[data-role="message"]').text()).toBe('startDate must be a real calendar date');
    await wrapper.get('[data-action="reset-filters"]').trigger('click');
    expect(wrapper.emitted('reset-filters')).toHaveLength(1);
  });

  it('explains 403, 500 and network failures', async () => {
    const forbidden = mount(StatusPanel, { props: { failure: { kind: 'forbidden', message: 'Insufficient scope' } } });
    expect(text(forbidden)).toContain('crm-menu');
    expect(forbidden.find('[data-action="change-token"]').exists()).toBe(true);

    const failed = mount(StatusPanel, { props: { failure: { kind: 'http-error', status: 500, message: 'An internal server error occurred' } } });
    expect(text(failed)).toContain('The analytics service failed');
    await failed.get('[data-action="retry"]').trigger('click');
    expect(failed.emitted('retry')).toHaveLength(1);

    const offline = mount(StatusPanel, { props: { failure: { kind: 'network', message: 'Failed to fetch' } } });
    expect(text(offline)).toContain('Cannot reach the server');
  });
});
