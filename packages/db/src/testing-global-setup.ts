import type { TestProject } from 'vitest/node';
import { createTemplateDatabase, dropDatabase } from './testing.ts';
import { acquireTestPostgres } from './testing-postgres.ts';

/**
 * vitest globalSetup: a PostgreSQL (the machine's, or an embedded one on a fresh machine), then one
 * migrated template per test project and run, dropped afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const release = await acquireTestPostgres();
  try {
    const template = await createTemplateDatabase();
    project.provide('templateDatabase', template);
    return async () => {
      await dropDatabase(template);
      await release();
    };
  } catch (error) {
    await release();
    throw error;
  }
}
