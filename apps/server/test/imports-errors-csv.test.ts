import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importErrors } from '@acme/db';
import { startTestServer, type TestServer } from '@acme/testing';
import { seedImport } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('GET /api/imports/:id/errors.csv', () => {
  it('streams the skipped rows in file order with proper CSV quoting', async () => {
    const seeded = await seedImport(t, { filename: 'spring catalogue.csv', status: 'completed' });
    const rows = [
      { line: 7, sku: '=SUM(A1:A9)', message: 'name is required' },
      { line: 2, sku: null, message: 'sku is required' },
      { line: 5, sku: 'Q"7, big', message: 'description must be at most 20000 characters' },
      { line: 3, sku: 'ÉTÉ-1', message: 'a message\nover two lines' },
    ];
    await t.db.insert(importErrors).values(rows.map((row) => ({ importId: seeded.id, ...row })));

    const res = await fetch(`${t.url}/api/imports/${seeded.id}/errors.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="spring catalogue-errors.csv"',
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, for Excel
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\n')[0]).toBe('line,sku,message');
    expect(text).toContain('"Q""7, big"');
    expect(parse(text, { columns: true })).toEqual([
      { line: '2', sku: '', message: 'sku is required' },
      { line: '3', sku: 'ÉTÉ-1', message: 'a message\nover two lines' },
      { line: '5', sku: 'Q"7, big', message: 'description must be at most 20000 characters' },
      // Excel would run this cell as a formula; the quote keeps it text.
      { line: '7', sku: "'=SUM(A1:A9)", message: 'name is required' },
    ]);
  });

  it('streams many rows, across cursor batches', async () => {
    const seeded = await seedImport(t, { filename: 'big.csv' });
    await t.sql`
      insert into import_errors (import_id, line, sku, message)
      select ${seeded.id}, n, 'SKU-' || n, 'name is required' from generate_series(2, 5001) as n`;
    const res = await fetch(`${t.url}/api/imports/${seeded.id}/errors.csv`);
    // (fetch's text() drops the BOM)
    const records = parse<{ line: string }>(await res.text(), { columns: true });
    expect(records).toHaveLength(5000);
    expect(records[0]).toMatchObject({ line: '2' });
    expect(records.at(-1)).toMatchObject({ line: '5001' });
  });

  it('gives just the header for an import without errors, with a non-ASCII filename encoded', async () => {
    const seeded = await seedImport(t, { filename: 'été.csv' });
    const res = await fetch(`${t.url}/api/imports/${seeded.id}/errors.csv`);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="?t?-errors.csv"; filename*=UTF-8''%C3%A9t%C3%A9-errors.csv`,
    );
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('\ufeffline,sku,message\n');
  });

  it('answers 404 for an unknown import or an id that is no UUID, 405 for other methods', async () => {
    const unknown = await fetch(
      `${t.url}/api/imports/00000000-0000-4000-8000-000000000000/errors.csv`,
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      code: 'NOT_FOUND',
      message: 'There is no import 00000000-0000-4000-8000-000000000000',
    });
    expect((await fetch(`${t.url}/api/imports/nope/errors.csv`)).status).toBe(404);
    const post = await fetch(`${t.url}/api/imports/nope/errors.csv`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});
