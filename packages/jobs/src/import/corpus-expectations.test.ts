import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { corpusFile, errorsOf, importFile, productsBySku, useInProcessWorker } from '@acme/testing';

// What file/corpus/README.md promises for each corpus file no other test imports end to end,
// through the whole import (upload rows in PostgreSQL, the worker, the catalogue), one file at a
// time into an empty catalogue. The last test fails when a corpus file has no test at all.

const files = useInProcessWorker();

const CORPUS = fileURLToPath(new URL('./file/corpus/', import.meta.url));
const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));

type Product = { sku: string; name: string; description: string; active: boolean };
type RowError = { line: number; sku: string | null; message: RegExp };

interface Expectation {
  file: string;
  /** Status, format, warnings and error message of the finished import. */
  final: Record<string, unknown>;
  /** Counts not given are 0. */
  counts?: Partial<Record<'created' | 'invalid' | 'duplicates' | 'blank', number>>;
  errors?: RowError[];
  /** The whole catalogue afterwards, or (`someProducts`) products it must hold. */
  products?: Product[];
  someProducts?: Product[];
}

const completed = (encoding: string, delimiter: string, compression: string | null = null) => ({
  status: 'completed',
  error: null,
  format: { encoding, delimiter, compression },
});

const failed = (message: RegExp) => ({
  status: 'failed',
  error: expect.stringMatching(message) as string,
  format: null,
});

const EXPECTATIONS: Expectation[] = [
  {
    file: 'excel-win-csv-utf8.csv',
    final: { ...completed('utf-8', ','), warnings: [] },
    counts: { created: 2 },
    products: [
      { sku: 'KET-1', name: 'Bouilloire électrique', description: 'Acier, 1,7 L', active: true },
      { sku: 'TST-2', name: 'Toaster “Pro”', description: 'Two slots', active: false },
    ],
  },
  {
    file: 'excel-win-csv-1252.csv',
    final: { ...completed('windows-1252', ','), warnings: [] },
    counts: { created: 2 },
    products: [
      {
        sku: 'KET-1',
        name: 'Café kettle',
        description: 'Boils water, fast – 1.7 L',
        active: true,
      },
      { sku: 'MUG-2', name: 'Men’s mug', description: 'Price € 12', active: false },
    ],
  },
  {
    file: 'excel-fr-sep-line.csv',
    // `sep=;` names the delimiter and is not read as the header
    final: { ...completed('windows-1252', ';'), warnings: [] },
    counts: { created: 2 },
    products: [
      { sku: 'FR-1', name: 'Crème brûlée', description: 'Dessert, 4 pers.', active: true },
      { sku: 'FR-2', name: 'Pâté', description: '', active: true },
    ],
  },
  {
    file: 'excel-unicode-text.txt',
    final: { ...completed('utf-16le', '\t'), warnings: [] },
    counts: { created: 2 },
    products: [
      { sku: 'UT-1', name: 'Été 製品', description: 'Quoted\ttab', active: true },
      { sku: 'UT-2', name: 'Emoji 🔥', description: '', active: true },
    ],
  },
  {
    file: 'excel-blank-rows.csv',
    // `,,,` and ` , ,,` rows: blank, not invalid
    final: { ...completed('utf-8', ','), warnings: [] },
    counts: { created: 2, blank: 4 },
    products: [
      { sku: 'B-1', name: 'One', description: '', active: true },
      { sku: 'B-2', name: 'Two', description: '', active: true },
    ],
  },
  {
    file: 'google-sheets.csv',
    final: { ...completed('utf-8', ','), warnings: [] },
    counts: { created: 2 },
    products: [
      { sku: 'GS-1', name: 'Lamp, brass', description: 'Line one\nline two', active: true },
      { sku: 'GS-2', name: 'Shade', description: 'He said "wow"', active: false },
    ],
  },
  {
    file: 'libreoffice.csv',
    final: { ...completed('utf-8', ','), warnings: [] },
    counts: { created: 2 },
    products: [
      { sku: 'LO-1', name: 'Ærøskøbing chair', description: 'Oak, oiled', active: true },
      { sku: 'LO-2', name: 'Ångström ruler', description: '', active: false },
    ],
  },
  {
    file: 'numbers-nfd.csv',
    // "CAFE\u0301-1" (NFD) and "café-1" (NFC) are one SKU: a duplicate, the last row kept, in NFC
    final: { ...completed('utf-8', ';'), warnings: [] },
    counts: { created: 1, duplicates: 1 },
    products: [
      {
        sku: 'caf\u00e9-1',
        name: 'Caf\u00e9 (again, NFC)',
        description: 'last one wins',
        active: true,
      },
    ],
  },
  {
    file: 'pandas-index.csv',
    final: {
      ...completed('utf-8', ','),
      warnings: ['Ignored unknown column: (empty, column 1)'],
    },
    counts: { created: 2 },
    products: [
      { sku: 'PD-1', name: 'Series', description: 'a, b', active: true },
      { sku: 'PD-2', name: 'Frame', description: '', active: false },
    ],
  },
  {
    file: 'pandas-utf16.tsv',
    final: { ...completed('utf-16le', '\t'), warnings: [] },
    counts: { created: 2 },
    products: [
      { sku: 'P16-1', name: 'Αθήνα', description: 'Greek', active: true },
      { sku: 'P16-2', name: 'Киев', description: 'Cyrillic', active: true },
    ],
  },
  {
    file: 'backslash-escapes.csv',
    final: { ...completed('utf-8', ','), warnings: [] },
    counts: { created: 2 },
    products: [
      { sku: 'BS-1', name: '27" monitor', description: 'He said "hi", then left', active: true },
      { sku: 'BS-2', name: 'Path', description: 'C:\\temp\\file', active: true },
    ],
  },
  {
    file: 'stray-quotes.csv',
    // quotes not doubled are read as meant where that is unambiguous; `"abc"def` costs its row
    final: { ...completed('utf-8', ','), warnings: [] },
    counts: { created: 4, invalid: 1 },
    errors: [
      {
        line: 5,
        sku: 'SQ-4',
        message: /column 2 \("name"\): a quote .* followed by "d" .* must be doubled/,
      },
    ],
    products: [
      {
        sku: 'SQ-1',
        name: 'Kettle, steel',
        description: ' spaces before the quote',
        active: true,
      },
      { sku: 'SQ-2', name: '27" monitor', description: 'inner quote not doubled', active: true },
      {
        sku: 'SQ-3',
        name: 'Trailing',
        description: 'space after the closing quote',
        active: true,
      },
      {
        sku: 'SQ-5',
        name: '5" screen',
        description: 'quote inside an unquoted field',
        active: true,
      },
    ],
  },
  {
    file: 'unclosed-quote.csv',
    final: failed(/^Unclosed quote: the quoted field starting on line 3 is never closed/),
    products: [],
  },
  {
    file: 'base64-image.csv',
    final: { ...completed('utf-8', ','), warnings: [] },
    counts: { created: 2, invalid: 1 },
    errors: [
      { line: 3, sku: 'IMG-2', message: /row is larger than 1 MiB .* a pasted image or file/ },
    ],
    products: [
      { sku: 'IMG-1', name: 'Before', description: 'ok', active: true },
      { sku: 'IMG-3', name: 'After', description: 'ok', active: true },
    ],
  },
  {
    file: 'mixed-utf8-1252.csv',
    // the one row in Windows-1252 is reported rather than guessed at
    final: { ...completed('utf-8', ','), warnings: [] },
    counts: { created: 2, invalid: 1 },
    errors: [
      {
        line: 3,
        sku: 'MX-2',
        message:
          /^invalid UTF-8: this row holds bytes of another encoding .* save the file as "CSV UTF-8"/,
      },
    ],
    products: [
      { sku: 'MX-1', name: 'Crème', description: '', active: true },
      { sku: 'MX-3', name: 'Ünïcödé', description: '', active: true },
    ],
  },
  {
    file: 'nul-byte.csv',
    final: { ...completed('utf-8', ','), warnings: [] },
    counts: { created: 2, invalid: 1 },
    errors: [
      {
        line: 3,
        sku: 'NB-2',
        message: /^name \(column 2\) contains a NUL character .*; delete it from the cell/,
      },
    ],
    products: [
      { sku: 'NB-1', name: 'ok', description: '', active: true },
      { sku: 'NB-3', name: 'ok', description: '', active: true },
    ],
  },
  {
    file: 'pasted-twice.csv',
    final: {
      ...completed('utf-8', ','),
      warnings: [
        'Skipped 2 rows that repeat the header (line 3, 5); were two files pasted together?',
      ],
    },
    counts: { created: 3 },
    products: [
      { sku: 'PT-1', name: 'First', description: '', active: true },
      { sku: 'PT-2', name: 'Second', description: '', active: true },
      { sku: 'PT-3', name: 'Third', description: '', active: true },
    ],
  },
  {
    file: 'products.csv.gz',
    final: { ...completed('utf-8', ',', 'gzip'), rowsProcessed: 2000, warnings: [] },
    counts: { created: 2000 },
    someProducts: [
      { sku: 'GZ-0', name: 'Item 0', description: 'desc 0', active: true },
      { sku: 'GZ-1999', name: 'Item 1999', description: 'desc 1999', active: true },
    ],
  },
  {
    file: 'truncated.csv.gz',
    final: failed(/^The gzip file is truncated .* upload the complete file again/),
    products: [],
  },
  {
    file: 'png-renamed.csv',
    final: failed(/^This looks like a PNG image, not a CSV file/),
    products: [],
  },
  {
    file: 'garbage.csv',
    final: failed(/^This looks like a binary file, not CSV text; save it as "CSV UTF-8"/),
    products: [],
  },
  // LibreOffice's flat XML sources of the .xlsx and .csv beside them, should one be uploaded
  ...['libreoffice-multi-sheet.fods', 'libreoffice-scientific-skus.fods'].map((file) => ({
    file,
    final: failed(
      /^This looks like a flat OpenDocument spreadsheet \(\.fods\), which the import does not read; save it as an Excel workbook \(\.xlsx\) or as "CSV UTF-8"/,
    ),
    products: [],
  })),
];

describe('each corpus file imports as file/corpus/README.md says', () => {
  test.each(EXPECTATIONS)('$file', async (expected) => {
    await files.database.sql`truncate products`;
    const final = await importFile(files.database, expected.file, corpusFile(expected.file));
    expect(final).toMatchObject({
      ...expected.final,
      created: 0,
      updated: 0,
      unchanged: 0,
      invalid: 0,
      duplicates: 0,
      blank: 0,
      ...expected.counts,
    });
    expect(await errorsOf(files.database.sql, final.id)).toEqual(
      (expected.errors ?? []).map(({ message, ...error }) => ({
        ...error,
        message: expect.stringMatching(message) as string,
      })),
    );
    const products = await productsBySku(files.database.sql);
    if (expected.products) expect(products).toEqual(expected.products);
    for (const product of expected.someProducts ?? []) expect(products).toContainEqual(product);
    // SKUs are stored in NFC whatever the file held (normaliseSku), so one SKU is one product
    for (const { sku } of products) expect(sku).toBe(sku.normalize('NFC'));
  });
});

/** Test files anywhere in the workspace (not dependencies or build output). */
function testSources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'dist', '.git'].includes(entry.name) ? [] : testSources(path);
    return /\.(test|e2e)\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

test('every corpus file is imported by some test', () => {
  // README.md describes the corpus; the Python scripts generate some of its files
  const data = readdirSync(CORPUS).filter((name) => name !== 'README.md' && !name.endsWith('.py'));
  const tests = ['packages', 'apps', 'e2e']
    .flatMap((top) => testSources(join(REPOSITORY, top)))
    .map((path) => readFileSync(path, 'utf8'));
  // named as a string in code, not only in a comment
  const untested = data.filter(
    (name) => !tests.some((source) => ["'", '"', '`'].some((q) => source.includes(q + name + q))),
  );
  expect(untested, 'corpus files no test imports: add them to EXPECTATIONS').toEqual([]);
  expect(EXPECTATIONS.map(({ file }) => file).filter((file) => !data.includes(file))).toEqual([]);
});
