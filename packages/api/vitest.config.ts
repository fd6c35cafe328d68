import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'api',
    include: ['src/**/*.test.ts'],
    globalSetup: ['@acme/realtime/testing/global-setup', '@acme/db/testing/global-setup'],
  },
});
