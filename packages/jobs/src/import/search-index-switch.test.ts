import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureSearchIndexes, SEARCH_INDEXES } from '@acme/db';
import { createTestDatabase, type TestDatabase } from '@acme/db/testing';
import { dropSearchIndexesUnlessRebuilding } from './search-index-switch.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const presentIndexes = () =>
  database.sql<{ name: string }[]>`
    select indexname as name from pg_indexes
    where tablename = 'products' and indexname in ${database.sql(Object.keys(SEARCH_INDEXES))}`.then(
    (rows) => rows.map((row) => row.name),
  );

it('a large write preempts a rebuild under way: the build is cancelled and the indexes dropped', async () => {
  const [first] = Object.keys(SEARCH_INDEXES);
  await database.sql.unsafe(`drop index ${first}`);
  // An open snapshot holds `create index concurrently` in its last phase, as a long build would be.
  const snapshot = await database.sql.reserve();
  await snapshot`begin isolation level repeatable read`;
  await snapshot`select 1`;
  try {
    const rebuild = ensureSearchIndexes(database.sql);
    const outcome = rebuild.then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    await expect
      .poll(
        () =>
          database.sql`select 1 from pg_stat_activity where query ilike 'create index%'`.then(
            (rows) => rows.length,
          ),
        { timeout: 10_000 },
      )
      .toBe(1);

    await expect(dropSearchIndexesUnlessRebuilding(database.sql)).resolves.toBe(true);
    expect(await outcome).toBe('57014'); // query_canceled
    expect(await presentIndexes()).toEqual([]);
  } finally {
    await snapshot`rollback`;
    snapshot.release();
  }
  // The next maintenance builds them all.
  await ensureSearchIndexes(database.sql);
  expect((await presentIndexes()).sort()).toEqual(Object.keys(SEARCH_INDEXES).sort());
});
