import { defineConfig } from 'vitest/config';

/**
 * The global setup of every project whose tests use PostgreSQL and Redis: Redis must answer, and
 * one migrated template database serves the run (each test file clones it).
 */
export const SERVICES_GLOBAL_SETUP = [
  '@acme/realtime/testing/global-setup',
  '@acme/db/testing/global-setup',
];

/** A project whose tests talk to the real PostgreSQL and Redis (see SERVICES_GLOBAL_SETUP). */
export function servicesProject(test: {
  name: string;
  include: string[];
  testTimeout?: number;
  hookTimeout?: number;
}) {
  return defineConfig({ test: { ...test, globalSetup: SERVICES_GLOBAL_SETUP } });
}
