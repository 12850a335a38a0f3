import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          // Every file talks to real databases; two cores run two files at a time.
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        // The dashboard's own modules and components, in a simulated DOM (ui/vite.config.ts gives
        // the Vue plugin and the @domain alias).
        extends: './ui/vite.config.ts',
        test: {
          name: 'ui',
          root: './ui',
          include: ['test/**/*.test.ts'],
          environment: 'happy-dom',
          environmentOptions: { happyDOM: { url: 'http://127.0.0.1:3000/' } },
        },
      },
    ],
  },
});
