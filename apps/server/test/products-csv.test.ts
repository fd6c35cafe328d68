import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@acme/testing';

const PASSWORD = 'correct horse battery';
const TOKEN = 'service-token-0123456789abcdef';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ADMIN_PASSWORD: PASSWORD, API_TOKENS: TOKEN });
  // 2,500 products (more than two cursor batches): even ones "blue", every fifth inactive.
  await t.sql`
    insert into products (sku, name, description, active)
    select 'SKU-' || i, case when i % 2 = 0 then 'Blue kettle ' else 'Red lamp ' end || i, '', i % 5 <> 0
    from generate_series(1, 2500) as i`;
  await t.sql`
    insert into products (sku, name, description, active)
    values ('=HYPERLINK("x")', 'Formula blue', e'Two lines:\nsecond, with "quotes"', true)`;
});
afterAll(() => t?.close());

const auth = { authorization: `Bearer ${TOKEN}` };
const download = (query = '') => fetch(`${t.url}/api/products.csv${query}`, { headers: auth });

async function rowsOf(res: Response): Promise<Record<string, string>[]> {
  const bytes = Buffer.from(await res.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, for Excel
  return parse<Record<string, string>>(bytes.toString('utf8').slice(1), { columns: true });
}

describe('GET /api/products.csv', () => {
  it('streams every product, by id, with the import header first', async () => {
    const res = await download();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?products-\d{4}-\d{2}-\d{2}\.csv"?$/,
    );
    const rows = await rowsOf(res);
    expect(rows).toHaveLength(2501);
    expect(Object.keys(rows[0]!)).toEqual([
      'sku',
      'name',
      'description',
      'active',
      'created_at',
      'updated_at',
    ]);
    expect(rows[0]).toMatchObject({ sku: 'SKU-1', name: 'Red lamp 1', active: 'true' });
    expect(rows[4]).toMatchObject({ sku: 'SKU-5', active: 'false' });
    expect(rows[0]!['updated_at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // Quoting survives commas, quotes and line breaks; Excel formulas stay text.
    expect(rows[2500]).toMatchObject({
      sku: `'=HYPERLINK("x")`,
      description: 'Two lines:\nsecond, with "quotes"',
    });
  });

  it('exports only what the filter matches, as products.list matches it', async () => {
    const rows = await rowsOf(await download('?name=BLUE&active=true'));
    const [expected] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from products where name ilike '%blue%' and active`;
    expect(rows).toHaveLength(expected!.n);
    expect(rows.every((row) => /blue/i.test(row['name']!) && row['active'] === 'true')).toBe(true);
    // % is a character, not a wildcard.
    expect(await rowsOf(await download('?sku=%25'))).toEqual([]);
  });

  it('refuses a bad filter with a message, and a caller without credentials', async () => {
    const bad = await download('?active=maybe');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      code: 'BAD_REQUEST',
      message: 'active must be true or false',
    });
    const nul = await download('?name=a%00b');
    expect(nul.status).toBe(400);
    expect(((await nul.json()) as { message: string }).message).toMatch(
      /name must not contain NUL/,
    );
    const anonymous = await fetch(`${t.url}/api/products.csv`);
    expect(anonymous.status).toBe(401);
  });
});
