import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from './client.ts';
import { migrateDatabase } from './migrate.ts';
import { createTestDatabase, dropDatabase, type TestDatabase } from './testing.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('migrateDatabase', () => {
  it('is idempotent and safe to run concurrently', async () => {
    await Promise.all([migrateDatabase(database.url), migrateDatabase(database.url)]);
    const [row] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(row!.n).toBeGreaterThanOrEqual(4);
  });
});

describe('migrateDatabase on a database that does not exist yet', () => {
  it('creates it and migrates it, also when two processes start on it at once', async () => {
    const url = new URL(database.url);
    const name = `${url.pathname.slice(1)}_fresh`;
    url.pathname = `/${name}`;
    try {
      // A server and a worker started together: one creates it, the other must not crash.
      await Promise.all([migrateDatabase(url.toString()), migrateDatabase(url.toString())]);
      const fresh = createDatabase(url.toString(), { max: 1 });
      const [row] = await fresh.sql<{ n: number }[]>`select count(*)::int as n from products`;
      expect(row!.n).toBe(0);
      await fresh.close();
    } finally {
      await dropDatabase(name);
    }
  });
});
