// Unit and integration tests; end-to-end tests run in Chromium through Playwright instead (test/e2e).
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/gpu/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
  },
});
