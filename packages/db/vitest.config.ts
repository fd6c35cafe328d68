import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'db',
    include: ['src/**/*.test.ts'],
    globalSetup: ['./src/testing-global-setup.ts'],
    // Migrating a database from nothing takes a few seconds, more on a busy machine.
    testTimeout: 30_000,
  },
});
