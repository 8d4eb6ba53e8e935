// Unit and integration tests; end-to-end tests run in Chromium through Playwright instead (test/e2e).
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    // test/e2e runs under Playwright (`npm run test:e2e`); test/gpu is not Vitest at all but the CUDA machine's check,
    // bundled and run there by `npm run check:gpu` (test/gpu/README.md), which says so on a machine without a GPU.
    exclude: ['test/e2e/**', 'test/gpu/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
  },
});
