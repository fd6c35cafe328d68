import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSearchIndexes, ensureSearchIndexes, SEARCH_INDEXES } from './search-indexes.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const definitions = () =>
  database.sql<{ name: string; definition: string }[]>`
    select indexname as name, indexdef as definition from pg_indexes
    where tablename = 'products' and indexname in ${database.sql(Object.keys(SEARCH_INDEXES))}
    order by indexname`;

describe('search indexes', () => {
  it('rebuilds exactly what the migrations created', async () => {
    const migrated = await definitions();
    expect(migrated.map((row) => row.name).sort()).toEqual(Object.keys(SEARCH_INDEXES).sort());

    await dropSearchIndexes(database.sql);
    expect(await definitions()).toEqual([]);
    // Filters still work without them (sequential scan).
    await database.sql`insert into products (sku, name) values ('ABC-1', 'Kettle')`;
    const [found] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from products where name ilike '%ettl%'`;
    expect(found!.n).toBe(1);

    expect((await ensureSearchIndexes(database.sql)).sort()).toEqual(
      Object.keys(SEARCH_INDEXES).sort(),
    );
    expect(await definitions()).toEqual(migrated);
    expect(await ensureSearchIndexes(database.sql)).toEqual([]);
  });

  it('replaces an index left invalid by an interrupted build', async () => {
    await database.sql`update pg_index set indisvalid = false
      where indexrelid = 'products_sku_trgm'::regclass`;
    expect(await ensureSearchIndexes(database.sql)).toEqual(['products_sku_trgm']);
    const [row] = await database.sql<{ valid: boolean }[]>`
      select indisvalid as valid from pg_index where indexrelid = 'products_sku_trgm'::regclass`;
    expect(row!.valid).toBe(true);
  });
});
