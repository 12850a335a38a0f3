import { BarChart, LineChart, PieChart, SankeyChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * The ECharts parts the dashboard draws with, registered once. Canvas rendering and rich-text
 * tooltips keep every chart free of inline `style` attributes, so the page needs no
 * `'unsafe-inline'` in its Content-Security-Policy.
 */
use([CanvasRenderer, BarChart, LineChart, PieChart, SankeyChart, GridComponent, TooltipComponent, LegendComponent]);

export const CHART_TEXT_STYLE = { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', fontSize: 12 };

/** Shared tooltip settings: drawn on the canvas (`richText`), not as HTML with inline styles. */
export const CHART_TOOLTIP = { renderMode: 'richText' as const, confine: true };
