import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@acme/db/testing';

/** The test file's database as its tests see it; the fixture owns closing and dropping it. */
export type TestDatabaseFixture = Pick<TestDatabase, 'name' | 'url' | 'sql' | 'db'>;

/**
 * A test file's own database (a clone of the run's migrated template): created before the file's
 * tests, dropped after them (after the file's own afterAll hooks, which may still use it). Its
 * properties may be read from beforeAll on.
 */
export function useTestDatabase(): TestDatabaseFixture {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  const current = (): TestDatabase => {
    if (!database) throw new Error('useTestDatabase: the database exists once beforeAll ran');
    return database;
  };
  return {
    get name() {
      return current().name;
    },
    get url() {
      return current().url;
    },
    get sql() {
      return current().sql;
    },
    get db() {
      return current().db;
    },
  };
}
