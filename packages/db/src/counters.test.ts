import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** The O(1) totals must always equal what count(*) says. */
async function expectCountersMatch() {
  const { sql } = database;
  const [counted] = await sql<{ total: number; active: number }[]>`
    select count(*)::int as total, (count(*) filter (where active))::int as active from products`;
  const [summed] = await sql<{ total: number; active: number }[]>`
    select coalesce(sum(total), 0)::int as total, coalesce(sum(active), 0)::int as active
    from product_count_deltas`;
  expect(summed).toEqual(counted);
  return counted!;
}

describe('product counters', () => {
  it('follow inserts, upserts, active flips, deletes and truncate', async () => {
    const { sql } = database;
    await sql`insert into products (sku, name, active)
      select 'SKU-' || i, 'n', i % 3 <> 0 from generate_series(1, 1000) i`;
    expect(await expectCountersMatch()).toEqual({ total: 1000, active: 667 });

    // An upsert in the way an import applies a file: new rows and updated ones in one statement.
    await sql`insert into products (sku, name, active)
      select 'sku-' || i, 'changed', false from generate_series(900, 1100) i
      on conflict ((lower(sku))) do update set name = excluded.name, active = excluded.active`;
    expect((await expectCountersMatch()).total).toBe(1100);

    await sql`update products set active = not active where id % 7 = 0`;
    await expectCountersMatch();
    await sql`update products set name = 'renamed only'`;
    await expectCountersMatch();
    await sql`delete from products where id % 2 = 0`;
    await expectCountersMatch();

    await sql`
      with gone as (delete from product_count_deltas returning total, active)
      insert into product_count_deltas (total, active)
      select coalesce(sum(total), 0), coalesce(sum(active), 0) from gone`;
    const [rows] = await sql<{ n: number }[]>`select count(*)::int as n from product_count_deltas`;
    expect(rows!.n).toBe(1);
    await expectCountersMatch();

    await sql`truncate products`;
    expect(await expectCountersMatch()).toEqual({ total: 0, active: 0 });
  });

  it('a rolled-back write leaves the counters alone', async () => {
    const before = await expectCountersMatch();
    await database.sql
      .begin(async (tx) => {
        await tx`insert into products (sku, name) values ('ROLLBACK-1', 'n')`;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await expectCountersMatch()).toEqual(before);
  });
});

describe('products table', () => {
  it('refuses a second SKU that differs only in case', async () => {
    await database.sql`insert into products (sku, name) values ('Unique-1', 'a')`;
    await expect(
      database.sql`insert into products (sku, name) values ('UNIQUE-1', 'b')`,
    ).rejects.toThrow(/products_sku_key/);
  });
});
