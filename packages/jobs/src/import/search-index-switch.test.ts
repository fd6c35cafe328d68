import { expect, it } from 'vitest';
import { useTestDatabase } from '@acme/testing';
import { dropSearchIndexes, ensureSearchIndexes, SEARCH_INDEXES } from '@acme/db';
import { dropSearchIndexesUnlessRebuilding } from './search-index-switch.ts';

const database = useTestDatabase();

const presentIndexes = () =>
  database.sql<{ name: string }[]>`
    select indexname as name from pg_indexes
    where tablename = 'products' and indexname in ${database.sql(Object.keys(SEARCH_INDEXES))}`.then(
    (rows) => rows.map((row) => row.name),
  );

it('a large write preempts a rebuild under way: the build is cancelled and the indexes dropped, invalid ones too', async () => {
  await dropSearchIndexes(database.sql);
  // An open write holds the build (CONCURRENTLY waits for writers to finish), as a long build would.
  const writer = await database.sql.reserve();
  await writer`begin`;
  await writer`lock table products in row exclusive mode`;
  let dropping: Promise<boolean> | undefined;
  try {
    const outcome = ensureSearchIndexes(database.sql).then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    await expect
      .poll(
        () =>
          database.sql`
            select 1 from pg_stat_activity
            where datname = current_database() and state = 'active' and query ilike 'create index%'`.then(
            (rows) => rows.length,
          ),
        { timeout: 10_000 },
      )
      .toBe(1);

    dropping = dropSearchIndexesUnlessRebuilding(database.sql);
    expect(await outcome).toBe('57014'); // query_canceled
  } finally {
    await writer`rollback`;
    writer.release();
  }
  await expect(dropping).resolves.toBe(true);
  expect(await presentIndexes()).toEqual([]);
  // The next maintenance builds them all.
  await ensureSearchIndexes(database.sql);
  expect((await presentIndexes()).sort()).toEqual(Object.keys(SEARCH_INDEXES).sort());
});
