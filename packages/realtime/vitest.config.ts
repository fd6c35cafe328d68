import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'realtime',
    include: ['src/**/*.test.ts'],
    globalSetup: ['./src/testing-global-setup.ts'],
    testTimeout: 10_000,
  },
});
