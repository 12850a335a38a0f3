import { defineComponent, h } from 'vue';

/**
 * Stands in for vue-echarts' VChart, which needs a real canvas: renders the option it was given as
 * JSON (so a test can read the chart's data) and lets a test emit ECharts' click event.
 */
export const ChartStub = defineComponent({
  // vue-echarts' own component name.
  // eslint-disable-next-line vue/multi-word-component-names
  name: 'Echarts',
  props: { option: { type: Object, required: true } },
  emits: ['click'],
  setup(props) {
    return () => h('div', { class: 'chart-stub', 'data-option': JSON.stringify(props.option) });
  },
});
