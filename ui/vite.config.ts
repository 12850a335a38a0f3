import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/**
 * The dashboard: `ui/` builds into `ui/dist`, which the hapi server serves at `/`
 * (src/http/plugins/dashboard-plugin.ts). `@domain` is the service's own pure domain
 * (`src/domain/`): the presets, calendar and payload types are the very modules the API uses.
 */
const apiUrl = process.env.DASHBOARD_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue()],
  resolve: {
    alias: { '@domain': fileURLToPath(new URL('../src/domain', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed names under assets/ are what lets the server cache them as immutable.
    assetsDir: 'assets',
    sourcemap: false,
    // ECharts is most of the bundle; one chunk for it keeps the app chunk small and cacheable.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'echarts', test: /node_modules[\\/](echarts|zrender|vue-echarts)[\\/]/ }],
        },
      },
    },
  },
  // `npm run dev:ui`: hot-reloading dashboard on :5173, the API proxied to a running server.
  server: { proxy: { '/prospects': apiUrl, '/crm': apiUrl, '/health': apiUrl } },
});
