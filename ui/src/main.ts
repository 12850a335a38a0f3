import { createApp } from 'vue';
import ClientAnalyticsView from './ClientAnalyticsView.vue';
import './charts/echarts-setup.js';
import 'vue-echarts/style.css';
import './styles/base.css';
import './styles/filters.css';
import './styles/panels.css';
import './styles/tables-and-states.css';
import './styles/operations.css';
import './styles/stage-history.css';
// Last: its media queries override the rules above.
import './styles/narrow-screens.css';

createApp(ClientAnalyticsView).mount('#app');
