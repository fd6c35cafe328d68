import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_IMPORT_STATUSES, type TImport } from '@acme/shared';
import { productsBySku } from '@acme/testing';
import {
  failure,
  startServerWithWorker,
  upload,
  waitForImport,
  type ServerWithWorker,
} from './helpers.ts';

/**
 * The product rules of docs/contract.md sections 1 and 2 hold alike whether a product comes
 * through `products.create` or through `POST /api/imports`: limits counted in characters with
 * the same messages, and one SKU identity (trimmed, any case, any Unicode normalisation).
 */
let t: ServerWithWorker;
beforeAll(async () => {
  t = await startServerWithWorker();
});
afterAll(() => t?.close());

/** Uploads a CSV and waits for the import to end; it must complete. */
async function importCsv(csv: string): Promise<TImport> {
  const answer = await upload(t.url, csv);
  expect(answer.status).toBe(202);
  const final = await waitForImport(t, answer.body.importId!, FINAL_IMPORT_STATUSES);
  expect(final).toMatchObject({ status: 'completed', error: null });
  return final;
}

/** One character, two UTF-16 units: `length` would count it twice. */
const EMOJI = '😀';

describe('the API and the import', () => {
  it('count the limits in characters (code points) and refuse one more with the same message', async () => {
    const cases = [
      {
        atLimit: { sku: EMOJI.repeat(255), name: 'n', description: '' },
        overLimit: { sku: EMOJI.repeat(256), name: 'n', description: '' },
        message: 'sku must be at most 255 characters',
      },
      {
        atLimit: { sku: 'NAME-AT', name: EMOJI.repeat(1_000), description: '' },
        overLimit: { sku: 'NAME-OVER', name: EMOJI.repeat(1_001), description: '' },
        message: 'name must be at most 1000 characters',
      },
      {
        atLimit: { sku: 'DESC-AT', name: 'n', description: EMOJI.repeat(20_000) },
        overLimit: { sku: 'DESC-OVER', name: 'n', description: EMOJI.repeat(20_001) },
        message: 'description must be at most 20000 characters',
      },
    ];
    for (const { atLimit, overLimit, message } of cases) {
      expect(await t.api.products.create.mutate(atLimit)).toMatchObject(atLimit);
      expect(await failure(t.api.products.create.mutate(overLimit))).toEqual({
        code: 'BAD_REQUEST',
        message,
      });
    }
    const throughApi = await productsBySku(t.sql);
    expect(throughApi).toHaveLength(3);
    await t.api.products.deleteAll.mutate({ confirm: true });

    const rows = cases.flatMap(({ atLimit, overLimit }) => [atLimit, overLimit]);
    const csv = ['sku,name,description', ...rows.map((r) => `${r.sku},${r.name},${r.description}`)];
    const final = await importCsv(`${csv.join('\n')}\n`);
    expect(final).toMatchObject({ rowsProcessed: 6, created: 3, invalid: 3 });
    expect(await productsBySku(t.sql)).toEqual(throughApi);
    const errors = await t.api.imports.errors.query({ id: final.id });
    expect(errors.items).toEqual(
      cases.map(({ overLimit, message }, i) => ({ line: 3 + 2 * i, sku: overLimit.sku, message })),
    );
  });

  it('identify a SKU trimmed, in any case and Unicode normalisation; the stored spelling is the last written', async () => {
    await t.api.products.deleteAll.mutate({ confirm: true });
    const decomposed = 'CAFE\u0301-1'; // as macOS pastes it
    const precomposed = 'CAF\u00c9-1';
    const product = await t.api.products.create.mutate({ sku: ` ${decomposed} `, name: 'Café' });
    expect(product.sku).toBe(precomposed); // trimmed, stored in NFC
    for (const sku of [precomposed.toLowerCase(), ` ${decomposed.toLowerCase()} `, 'Cafe\u0301-1'])
      expect(await failure(t.api.products.create.mutate({ sku, name: 'Again' }))).toMatchObject({
        code: 'CONFLICT',
      });
    // The list's SKU filter finds it typed either way, in any case.
    for (const sku of ['cafe\u0301', 'caf\u00e9', 'CAFÉ'])
      expect((await t.api.products.list.query({ sku })).items.map(({ id }) => id)).toEqual([
        product.id,
      ]);

    // The import updates that product in place, taking the file's spelling of its SKU.
    const respelled = await importCsv('sku,name\n  caf\u00e9-1  ,Café\n');
    expect(respelled).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect(await t.api.products.byId.query({ id: product.id })).toMatchObject({
      sku: 'caf\u00e9-1',
      name: 'Café',
    });
    const decomposedRow = await importCsv(`sku,name\n${decomposed},Café noir\n`);
    expect(decomposedRow).toMatchObject({ created: 0, updated: 1 });
    expect(await t.api.products.byId.query({ id: product.id })).toMatchObject({
      sku: precomposed,
      name: 'Café noir',
    });

    // The API re-spells it in turn; the same row again is then identical, so unchanged.
    expect(
      await t.api.products.update.mutate({ id: product.id, sku: ' Cafe\u0301-1 ' }),
    ).toMatchObject({ id: product.id, sku: 'Caf\u00e9-1' });
    const again = await importCsv('sku,name\nCaf\u00e9-1,Café noir\n');
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect((await t.api.products.list.query({})).total).toBe(1);
  });
});
