import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'jobs',
    include: ['src/**/*.test.ts'],
    globalSetup: ['@acme/realtime/testing/global-setup', '@acme/db/testing/global-setup'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
