import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['@acme/realtime/testing/global-setup', '@acme/db/testing/global-setup'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
