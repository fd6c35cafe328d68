import { defineConfig } from 'vitest/config';
import { SERVICES_GLOBAL_SETUP } from '../vitest.services.ts';

export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['**/*.e2e.ts'],
    // Redis answers, a template database, then one build of the dashboard for every test file.
    globalSetup: [...SERVICES_GLOBAL_SETUP, './build-web.ts'],
    // Each file starts its own server, worker and browser: run them one at a time on 2 cores.
    fileParallelism: false,
    // Every test has a stack of its own (useE2e): shuffling keeps it so.
    sequence: { shuffle: { files: false, tests: true } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
