import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldProductCounters, readCatalogueState } from './catalogue-state.ts';
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

    await foldProductCounters(sql);
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

describe('catalogue version', () => {
  /** Runs a statement and returns how far it moved the version. */
  async function versionStep(statement: () => Promise<unknown>): Promise<number> {
    const before = (await readCatalogueState(database.sql)).version;
    await statement();
    return (await readCatalogueState(database.sql)).version - before;
  }

  it('moves with every committed write to products, whatever it changes', async () => {
    const { sql } = database;
    expect(
      await versionStep(
        () => sql`insert into products (sku, name) values ('VER-1', 'a'), ('VER-2', 'b')`,
      ),
    ).toBe(1);
    // A rename changes no total, but it changes what the list shows.
    expect(await versionStep(() => sql`update products set name = 'c' where sku = 'VER-1'`)).toBe(
      1,
    );
    expect(
      await versionStep(
        () => sql`insert into products (sku, name) values ('ver-2', 'd')
          on conflict ((lower(sku))) do update set name = excluded.name`,
      ),
    ).toBe(1);
    expect(await versionStep(() => sql`delete from products where sku = 'VER-1'`)).toBe(1);
    // Neither an insert of nothing nor reading moves it.
    expect(
      await versionStep(() => sql`insert into products (sku, name) select 'x', 'y' where false`),
    ).toBe(0);
    expect(await versionStep(() => sql`select count(*) from products`)).toBe(0);
  });

  it('never goes back: not when the counters are folded, not on truncate', async () => {
    const { sql } = database;
    await sql`insert into products (sku, name) values ('KEEP-1', 'a')`;
    const before = await readCatalogueState(sql);
    await foldProductCounters(sql);
    expect(await readCatalogueState(sql)).toEqual(before);
    const [rows] = await sql<{ n: number }[]>`select count(*)::int as n from product_count_deltas`;
    expect(rows!.n).toBe(1);

    await sql`truncate products`;
    const after = await readCatalogueState(sql);
    expect(after).toEqual({ version: before.version + 1, total: 0, active: 0 });
  });

  it('stays where it was when a write rolls back', async () => {
    const moved = await versionStep(() =>
      database.sql
        .begin(async (tx) => {
          await tx`update products set name = 'rolled back'`;
          throw new Error('roll back');
        })
        .catch(() => undefined),
    );
    expect(moved).toBe(0);
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
