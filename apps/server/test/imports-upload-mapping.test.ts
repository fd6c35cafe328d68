import { describe, expect, it } from 'vitest';
import { FINAL_IMPORT_STATUSES } from '@acme/shared';
import { corpusFile, productsBySku } from '@acme/testing';
import { useServerWithWorker, waitForImport } from './helpers.ts';

/** A supplier's price list with its own column names. */
const SUPPLIER = corpusFile('supplier-own-columns.csv');
const MAPPING = {
  sku: 'Art.',
  name: 'Text',
  description: 'Langtext',
  active: 'Lieferbar',
  activeValues: { lieferbar: true, 'nicht lieferbar': false },
};

const t = useServerWithWorker();

/** Uploads a file with form fields beside it, as an API client would (fields after the file). */
async function uploadWith(
  content: string | Buffer,
  fields: Record<string, string>,
  filename = 'Preisliste.csv',
) {
  const form = new FormData();
  form.append('file', new Blob([content], { type: 'text/csv' }), filename);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const res = await fetch(`${t.url}/api/imports`, { method: 'POST', body: form });
  return {
    status: res.status,
    body: (await res.json()) as { message?: string; importId?: string },
  };
}

const finalState = (id: string) => waitForImport(t, id, FINAL_IMPORT_STATUSES);

/** Imports and stored file pieces (jobs are left out: the worker takes and finishes its own). */
const storedImports = () =>
  t.sql<{ imports: number; chunks: number }[]>`
    select (select count(*)::int from imports) as imports,
           (select count(*)::int from import_file_chunks) as chunks`.then(([row]) => row);

describe('POST /api/imports with a mapping', () => {
  it('applies the mapping given as JSON, and remembers it for the next file with these columns', async () => {
    const { status, body } = await uploadWith(SUPPLIER, { mapping: JSON.stringify(MAPPING) });
    expect(status).toBe(202);
    const first = await finalState(body.importId!);
    expect(first).toMatchObject({
      status: 'completed',
      created: 3,
      invalid: 0,
      columns: ['Art.', 'Text', 'Langtext', 'Lieferbar', 'VK brutto'],
      mapping: MAPPING,
      warnings: ['Ignored unknown column: VK brutto'],
    });
    expect(await productsBySku(t.sql)).toEqual([
      {
        sku: 'SUP-001',
        name: 'Espressotasse 2er-Set',
        description: 'Porzellan mit Goldrand',
        active: true,
      },
      { sku: 'SUP-002', name: 'Milchkännchen 0.3 l', description: '', active: false },
      { sku: 'SUP-003', name: 'Zuckerdose mit Deckel', description: 'Porzellan', active: true },
    ]);

    // Next week's list: the same columns in another order, without a mapping.
    const nextWeek =
      'VK brutto,Lieferbar,Langtext,Text,Art.\n13.50,nicht lieferbar,Porzellan mit Goldrand,Espressotasse 2er-Set,SUP-001\n';
    const second = await uploadWith(nextWeek, {}, 'Preisliste-KW49.csv');
    expect(second.status).toBe(202);
    expect(await finalState(second.body.importId!)).toMatchObject({
      status: 'completed',
      updated: 1,
      mapping: MAPPING,
    });
    expect((await productsBySku(t.sql))[0]).toMatchObject({ sku: 'SUP-001', active: false });
  });

  it.each([
    [
      'not JSON',
      '{sku: Art.}',
      /^The field "mapping" is not valid JSON \(.+\); send it like \{"sku": "<column>", "name": "<column>"\}\. Nothing was stored\.$/,
    ],
    [
      'no name',
      JSON.stringify({ sku: 'Art.' }),
      /^The field "mapping" is not a column mapping: .*name.*Nothing was stored\.$/,
    ],
    [
      'an unknown field',
      JSON.stringify({ sku: 'Art.', name: 'Text', price: 'VK brutto' }),
      /mapping names an unknown field \(price\); the fields are sku, name, description, active and activeValues/,
    ],
    [
      'a column the file lacks',
      JSON.stringify({ sku: 'Art.', name: 'Bezeichnung' }),
      /^The mapping names a column the file does not have \(name → "Bezeichnung"\); found: "Art\.", "Text", "Langtext", "Lieferbar", "VK brutto"\. Nothing was stored\.$/,
    ],
  ])(
    'refuses %s with 400 naming the problem, and stores nothing',
    async (_case, mapping, message) => {
      const before = await storedImports();
      const { status, body } = await uploadWith(SUPPLIER, { mapping });
      expect(status).toBe(400);
      expect(body.message).toMatch(message);
      expect(await storedImports()).toEqual(before);
    },
  );
});
