import type { TestProject } from 'vitest/node';
import { createTemplateDatabase, dropDatabase } from './testing.ts';

/** vitest globalSetup: one migrated template per test project and run, dropped afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = await createTemplateDatabase();
  project.provide('templateDatabase', template);
  return () => dropDatabase(template);
}
