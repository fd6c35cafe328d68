import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSearchIndexes, ensureSearchIndexes, type Sql } from '@acme/db';
import { createTestDatabase, type TestDatabase } from '@acme/db/testing';
import { ZProductListInput, type TProductListInput, type TProductListOutput } from '@acme/shared';
import { ProductListCache } from './list-cache.ts';
import { EXACT_TOTAL_UP_TO, listProducts } from './list-products.ts';

/**
 * products.list against what plain SQL says, over a catalogue large enough for every path to run:
 * estimated totals, walking a sort index, collecting matches through the trigram indexes, the
 * capped walk's fallback, reading a deep page from the far end, keyset cursors.
 */
const ROWS = 30_000;
let database: TestDatabase;
let sql: Sql;
let cache: ProductListCache;

beforeAll(async () => {
  database = await createTestDatabase();
  sql = database.sql;
  cache = new ProductListCache(sql);
  // Bulk-loaded as an import does it: without the list's indexes, which are then built at once.
  await dropSearchIndexes(sql);
  await sql`
    insert into products (sku, name, description, active, updated_at)
    select
      case when i <= 6000 then 'OLD-' else 'SKU-' end || i,
      (array['Walnut', 'Oak', 'Steel', 'Glass'])[1 + i % 4] || ' ' ||
        (array['kettle', 'toaster', 'lamp'])[1 + (i / 4) % 3],
      concat_ws(' ', 'A sturdy thing.',
        case when i % 10 = 0 then 'Porcelain finish.' end,
        case when i % 5 < 2 then 'Everyday cotton cover.' end,
        case when i % 997 = 3 then 'Striped like a zebra.' end),
      i % 5 <> 0,
      timestamptz '2026-01-01' + (i % 7000) * interval '1 second' + (i % 3) * interval '1 microsecond'
    from generate_series(1, ${ROWS}) i`;
  await ensureSearchIndexes(sql);
  await sql`vacuum analyze products`;
}, 120_000);
afterAll(() => database.drop());

function list(input: TProductListInput): Promise<TProductListOutput> {
  return listProducts({ sql, cache }, ZProductListInput.parse(input));
}

const SORT_SQL = {
  id: 'id',
  createdAt: 'id',
  sku: 'lower(sku)',
  name: 'name, id',
  active: 'active, id',
  updatedAt: 'updated_at, id',
} as const;

/** What the page must hold: the same filter and order in plain SQL. */
async function expectedIds(
  where: string,
  sort: keyof typeof SORT_SQL,
  direction: 'asc' | 'desc',
  offset: number,
  limit: number,
): Promise<number[]> {
  const order = SORT_SQL[sort]
    .split(', ')
    .map((column) => `${column} ${direction}`)
    .join(', ');
  const rows = await sql.unsafe<{ id: string }[]>(
    `select id from products where ${where} order by ${order} limit ${limit} offset ${offset}`,
  );
  return rows.map((row) => Number(row.id));
}

async function countWhere(where: string): Promise<number> {
  const [row] = await sql.unsafe<{ n: number }[]>(
    `select count(*)::int as n from products where ${where}`,
  );
  return row!.n;
}

describe('products.list at scale', () => {
  it('returns the pages plain SQL returns, whichever way it finds them', async () => {
    const filters: [TProductListInput, string][] = [
      [{}, 'true'],
      [{ active: false }, 'not active'],
      [{ description: 'porcelain' }, "description ilike '%porcelain%'"], // 10%
      [{ description: 'cotton' }, "description ilike '%cotton%'"], // 40%: estimated
      [{ description: 'zebra' }, "description ilike '%zebra%'"], // 30: rare
      [
        { name: 'oak', description: 'cotton', active: true },
        "name ilike '%oak%' and description ilike '%cotton%' and active",
      ],
      [{ sku: 'old-' }, "sku ilike '%old-%'"], // all at the start of the id order
      [{ name: 'no such thing' }, "name ilike '%no such thing%'"],
    ];
    const sorts: [keyof typeof SORT_SQL, 'asc' | 'desc'][] = [
      ['id', 'asc'],
      ['id', 'desc'],
      ['updatedAt', 'desc'],
      ['name', 'asc'],
      ['sku', 'desc'],
      ['active', 'asc'],
    ];
    for (const [filter, where] of filters) {
      const total = await countWhere(where);
      for (const [field, direction] of sorts) {
        for (const page of [1, 2, 7, Math.max(1, Math.ceil(total / 50) - 1)]) {
          const result = await list({ ...filter, page, pageSize: 50, sort: { field, direction } });
          const label = `${JSON.stringify(filter)} ${field} ${direction} page ${page}`;
          expect(
            result.items.map((item) => item.id),
            label,
          ).toEqual(await expectedIds(where, field, direction, (page - 1) * 50, 50));
          if (!result.totalIsEstimate) expect(result.total, label).toBe(total);
        }
      }
    }
  }, 120_000);

  it('counts up to the threshold exactly, estimates beyond it, and counts exactly on request', async () => {
    const porcelain = await list({ description: 'porcelain' });
    expect(porcelain).toMatchObject({ total: 3_000, totalIsEstimate: false });

    const cotton = await list({ description: 'cotton' });
    const exact = await countWhere("description ilike '%cotton%'");
    expect(exact).toBeGreaterThan(EXACT_TOTAL_UP_TO);
    expect(cotton.totalIsEstimate).toBe(true);
    expect(cotton.total).toBeGreaterThan(exact * 0.7);
    expect(cotton.total).toBeLessThan(exact * 1.3);
    expect(String(cotton.total)).toMatch(/^\d{3}0+$/); // three significant figures

    expect(await list({ description: 'cotton', exactTotal: true })).toMatchObject({
      total: exact,
      totalIsEstimate: false,
    });
    // Once counted, the exact figure is what later pages of the same filter show.
    expect(await list({ description: 'cotton', page: 3 })).toMatchObject({
      total: exact,
      totalIsEstimate: false,
    });
  });

  it('knows the total exactly on the last page, and past the end', async () => {
    const estimated = await list({ description: 'cotton', active: true, pageSize: 7 });
    expect(estimated.totalIsEstimate).toBe(true);
    const exact = await countWhere("description ilike '%cotton%' and active");
    expect(exact % 7).not.toBe(0); // so that the last page is not full
    const lastPage = Math.ceil(exact / 7);
    expect(
      await list({ description: 'cotton', active: true, pageSize: 7, page: lastPage }),
    ).toMatchObject({ total: exact, totalIsEstimate: false });
    const beyond = await list({ description: 'cotton', name: 'glass', pageSize: 200, page: 500 });
    expect(beyond).toMatchObject({
      items: [],
      total: await countWhere("description ilike '%cotton%' and name ilike '%glass%'"),
      totalIsEstimate: false,
    });
  });

  it('pages through every row exactly once with cursors, forwards and back', async () => {
    for (const [description, sort] of [
      ['porcelain', { field: 'active', direction: 'desc' }],
      ['porcelain', { field: 'sku', direction: 'asc' }],
      ['cotton', { field: 'updatedAt', direction: 'asc' }],
    ] as const) {
      const filter = { description, sort, pageSize: 200 };
      const seen: number[] = [];
      const pages: TProductListOutput[] = [];
      let page = await list(filter);
      while (page.items.length > 0) {
        pages.push(page);
        seen.push(...page.items.map((item) => item.id));
        page = await list({ ...filter, page: page.page + 1, after: page.nextCursor! });
      }
      const expected = await expectedIds(
        `description ilike '%${description}%'`,
        sort.field,
        sort.direction,
        0,
        ROWS,
      );
      expect(seen).toEqual(expected);
      // Back from the last page with `before` gives the same pages again.
      let back = pages.at(-1)!;
      for (let index = pages.length - 2; index >= 0; index--) {
        back = await list({ ...filter, page: back.page - 1, before: back.prevCursor! });
        expect(back.items.map((item) => item.id)).toEqual(
          pages[index]!.items.map((item) => item.id),
        );
      }
    }
  }, 60_000);

  it('refuses a cursor of another sort, a broken one, and both directions at once', async () => {
    const byId = await list({ pageSize: 10 });
    await expect(
      list({ sort: { field: 'name', direction: 'asc' }, after: byId.nextCursor! }),
    ).rejects.toThrow(/cursor belongs to the sort id asc/);
    await expect(list({ after: 'not-a-cursor' })).rejects.toThrow(
      /cursor is not one this API gave out/,
    );
    expect(() =>
      ZProductListInput.parse({ after: byId.nextCursor, before: byId.prevCursor }),
    ).toThrow(/either after or before/);
  });
});

describe('products.list cache', () => {
  it('shows every committed change at once, whoever made it', async () => {
    const first = await list({ sku: 'SKU-12345' });
    expect(first.items.map((item) => item.name)).toEqual(['Oak lamp']);
    // A write the server never saw (another server, an import): the next answer has it.
    await sql`update products set name = 'Renamed lamp' where sku = 'SKU-12345'`;
    const second = await list({ sku: 'SKU-12345' });
    expect(second.items.map((item) => item.name)).toEqual(['Renamed lamp']);
    await sql`delete from products where sku = 'SKU-12345'`;
    expect(await list({ sku: 'SKU-12345' })).toMatchObject({ items: [], total: 0 });
  });

  it('answers identical requests with one computation while nothing changes', async () => {
    const input = ZProductListInput.parse({ name: 'steel', page: 4 });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => listProducts({ sql, cache }, input)),
    );
    for (const answer of answers) expect(answer).toBe(answers[0]);
    expect(await listProducts({ sql, cache }, input)).toBe(answers[0]);
  });
});
