import { createApp } from 'vue';
import ClientAnalyticsView from './ClientAnalyticsView.vue';
import './charts/echarts-setup.js';
import 'vue-echarts/style.css';
import './styles/dashboard.css';

createApp(ClientAnalyticsView).mount('#app');
