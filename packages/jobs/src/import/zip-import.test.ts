import { describe, expect, test } from 'vitest';
import {
  corpusFile,
  errorsOf,
  importFile,
  productsBySku,
  storeFile,
  useInProcessWorker,
  waitForFinal,
} from '@acme/testing';
import { readStoredHeader } from './file/stored-header.ts';

// Zip archives as shops, suppliers and their tools make them (file/corpus/README.md says which),
// through the whole import: upload rows in PostgreSQL, the worker reading the archive by range,
// the catalogue.

const files = useInProcessWorker();

/** Imports `name` into an empty catalogue: the import's state, its products and its errors. */
async function importInto(name: string, content: Buffer) {
  await files.database.sql`truncate products, import_mappings`;
  const final = await importFile(files.database, name, content);
  return {
    final,
    products: await productsBySku(files.database.sql),
    errors: (await errorsOf(files.database.sql, final.id)).map(({ line, sku, message }) => ({
      line,
      sku,
      message,
    })),
  };
}

describe('a zip archive of one file imports as that file', () => {
  test.each([
    // [archive, the file it holds, as in the corpus]
    ['zip-shopify-export.zip', 'shopify-products.csv'], // Info-ZIP, deflate
    ['zip-woocommerce-zip64.zip', 'woocommerce-products.csv'], // Info-ZIP -fz: zip64 fields
    ['zip-stored.zip', 'excel-win-csv-utf8.csv'], // stored, not compressed
    ['macos-finder-folder.zip', 'supplier-de-artikel.csv'], // a folder, __MACOSX/, ._ files, .DS_Store, data descriptors
    ['zip-stored-xlsx.zip', 'libreoffice-calc.xlsx'], // a workbook stored: its xl/ parts in the head
  ])('%s', async (archive, inside) => {
    const plain = await importInto(inside, corpusFile(inside));
    const zipped = await importInto(archive, corpusFile(archive));
    expect(plain.final).toMatchObject({ status: 'completed', error: null });
    expect(zipped.final).toMatchObject({
      status: 'completed',
      error: null,
      format: { ...plain.final.format, compression: 'zip' },
      rowsProcessed: plain.final.rowsProcessed,
      created: plain.final.created,
      invalid: plain.final.invalid,
      blank: plain.final.blank,
      bytesProcessed: corpusFile(archive).length,
      warnings: plain.final.warnings,
    });
    expect(zipped.final.created).toBeGreaterThan(0);
    expect(zipped.products).toEqual(plain.products);
    expect(zipped.errors).toEqual(plain.errors);
  });

  test('7-Zip archive of a supplier price list and its terms (PDF): the price list, with a warning naming the PDF', async () => {
    const plain = await importInto(
      'supplier-price-list-title.csv',
      corpusFile('supplier-price-list-title.csv'),
    );
    const zipped = await importInto('Preisliste.zip', corpusFile('7zip-supplier-with-pdf.zip'));
    expect(zipped.final).toMatchObject({
      status: 'completed',
      format: { encoding: 'windows-1252', delimiter: ';', compression: 'zip' },
      created: plain.final.created,
      warnings: [
        ...plain.final.warnings,
        'Imported "Preisliste.csv" from the zip archive; the other file in it was not: "Lieferbedingungen.pdf".',
      ],
    });
    expect(zipped.products).toEqual(plain.products);
  });
});

test('a mapping given with the upload is checked against the header of the file in the archive, title lines skipped', async () => {
  const id = await storeFile(
    files.database.sql,
    'Preisliste.zip',
    corpusFile('7zip-supplier-with-pdf.zip'),
  );
  expect(await readStoredHeader(files.database.sql, id, 1_048_576)).toEqual([
    'Artikelnummer',
    'Bezeichnung',
    'Beschreibung',
    'EK-Preis',
    'VE',
    'Aktiv',
  ]);
  expect(await waitForFinal(files.database, id)).toMatchObject({ status: 'completed' });
});

describe('a zip archive the import cannot read fails naming why, the catalogue untouched', () => {
  test.each([
    [
      'zip-two-csv.zip',
      'The zip archive holds 2 files to import ("products-2026-10.csv", "products-2026-11.csv"); the import reads one file: upload them one at a time, or zip only the one to import.',
    ],
    [
      'zip-no-csv.zip',
      'The zip archive holds no CSV, TSV, TXT or Excel (.xlsx) file (found: "Lieferbedingungen.pdf", "logo.png"); zip the file to import, or upload it as it is.',
    ],
    [
      'zip-encrypted.zip',
      '"products.csv" in the zip archive is encrypted (password-protected), which the import cannot read; zip it again without a password, or upload the file itself.',
    ],
    [
      '7zip-deflate64.zip',
      '"products_export_1.csv" in the zip archive is compressed with Deflate64, which the import does not read; zip it again with ordinary (Deflate) compression, or upload the file itself.',
    ],
    [
      'zip-truncated.zip',
      'The zip archive is incomplete or damaged (its table of contents, at its end, is missing): upload the complete archive, or zip the file again.',
    ],
  ])('%s', async (archive, reason) => {
    await importInto('before.csv', Buffer.from('sku,name\nKEEP-1,Kept\n'));
    const final = await importFile(files.database, archive, corpusFile(archive));
    expect(final).toMatchObject({ status: 'failed', error: reason });
    expect(await productsBySku(files.database.sql)).toEqual([
      { sku: 'KEEP-1', name: 'Kept', description: '', active: true },
    ]);
  });
});
