import { describe, expect, test } from 'vitest';
import { corpusFile, errorsOf, importFile, productsBySku, useInProcessWorker } from '@acme/testing';

// .xlsx workbooks through the whole import (upload rows in PostgreSQL, the worker, the catalogue).
// corpus/excel-cells.xlsx is laid out as Excel writes a workbook: sheets before the shared strings
// table, a styles part with date and "00000" number formats; its first tab is sheet2.xml.

const files = useInProcessWorker();

describe('an .xlsx workbook', () => {
  test('imports its first sheet like a CSV: each cell as the text Excel shows', async () => {
    const final = await importFile(files.database, 'Products.xlsx', corpusFile('excel-cells.xlsx'));
    expect(final).toMatchObject({
      status: 'completed',
      error: null,
      created: 6,
      invalid: 0,
      blank: 1, // row 8: styled cells, no values
      format: { encoding: 'xlsx', delimiter: 'xlsx', compression: null },
      warnings: [
        'Ignored unknown column: released',
        // the second tab is read past, but not silently
        'Imported only the sheet "Products"; other sheets with data were not: "Notes" (2 rows).',
      ],
    });
    expect(await productsBySku(files.database.sql)).toEqual([
      // text keeps its leading zeros; a number formatted 00000 shows them too
      {
        sku: '00042',
        name: 'Toaster "Pro"',
        description: 'Two slots\nand a lever',
        active: false,
      },
      { sku: '00123', name: 'Kettle', description: 'Boils water, fast', active: true },
      // a 13-digit barcode stored as a number: no ".0", no exponent; 0.1 + 0.2 as Excel shows it
      { sku: '4006381333931', name: 'Crème brûlée torch', description: '0.3', active: true },
      { sku: 'CHAIR-9', name: '12.5', description: 'Leading & trailing  ', active: true },
      // a formula's result; rich text joined; an error value as shown
      { sku: 'DESK-7', name: 'Desk lamp', description: '#N/A', active: true },
      // the description cell is missing from the XML: the columns after it stay in place
      { sku: 'NO-DESC', name: 'Bare lamp', description: '', active: true },
    ]);
    // The second tab ("Notes", sheet1.xml, first in the ZIP) is not imported.
    expect((await productsBySku(files.database.sql)).map((p) => p.sku)).not.toContain('note');
  });

  test('keeps only the text of a cell: not a reading (furigana) nor the white space of indented XML', async () => {
    // Japanese Excel stores each typed string with its reading; this workbook's parts are indented.
    const final = await importFile(
      files.database,
      '商品.xlsx',
      corpusFile('excel-ja-phonetic.xlsx'),
    );
    expect(final).toMatchObject({ status: 'completed', created: 2, invalid: 0, warnings: [] });
    expect(await productsBySku(files.database.sql)).toEqual([
      { sku: 'JP-1', name: '電気ケトル', description: '湯沸かし 1.2L', active: true },
      // a rich inline string: its runs joined, its reading left out
      { sku: 'JP-2', name: '卓上ランプ', description: '真鍮の アーム', active: false },
    ]);
  });

  test.each([
    // LibreOffice Calc 7.4 (`soffice --convert-to xlsx`), the SKU column formatted as text
    ['libreoffice-calc.xlsx', '00123'],
    // Gnumeric 1.12 (`ssconvert`): inline strings in indented XML; 00123 was typed as a number
    ['gnumeric.xlsx', '123'],
  ])('%s reads as the spreadsheet shows it', async (file, firstSku) => {
    const final = await importFile(files.database, file, corpusFile(file));
    expect(final).toMatchObject({
      status: 'completed',
      created: 6,
      invalid: 1,
      warnings: ['Ignored unknown column: Price'],
    });
    expect(await errorsOf(files.database.sql, final.id)).toEqual([
      { line: 7, sku: null, message: 'sku is required' },
    ]);
    expect(await productsBySku(files.database.sql)).toEqual([
      { sku: firstSku, name: 'Kettle', description: 'Boils water\nfast', active: true },
      // typed as a date: the date as shown
      { sku: '2024-01-05', name: 'Date-like sku', description: 'looks like a date', active: true },
      { sku: '4006381333931', name: 'Barcode item', description: '13-digit number', active: true },
      {
        sku: 'ABC-1',
        name: 'Crème brûlée torch',
        description: 'Caramelises “sugar”',
        active: false,
      },
      { sku: 'DESK-7', name: 'Desk lamp, brass', description: '', active: true },
      { sku: 'ÄÖÜ-ß', name: 'Umlaut', description: 'Grüße', active: false },
    ]);
  });

  test('LibreOffice workbook: an empty cover sheet, a title above the header, a 20-digit number as SKU, merged cells', async () => {
    // libreoffice-multi-sheet.fods converted by `soffice --convert-to xlsx` (corpus/README.md)
    const final = await importFile(
      files.database,
      'Preisliste.xlsx',
      corpusFile('libreoffice-multi-sheet.xlsx'),
    );
    expect(final).toMatchObject({
      status: 'completed',
      created: 3,
      invalid: 2,
      blank: 0,
      warnings: [
        'Skipped a title line above the header (line 1): "Price list 2026 — Acme Supplies"',
        'Ignored unknown column: Price',
        'The first sheet ("Cover") is empty; imported the sheet "Products".',
        'Imported only the sheet "Products"; other sheets with data were not: "Notes" (1 row).',
      ],
    });
    expect(await errorsOf(files.database.sql, final.id)).toEqual([
      {
        line: 5,
        sku: '12345678901234600000',
        message:
          'sku is a number of more than 15 digits, and spreadsheets keep only 15: its last digits are not the ones typed; format the SKU column as Text and enter these SKUs again',
      },
      // the lower cell of a merged pair is empty, as in Excel's own CSV export
      { line: 8, sku: 'MERGE-2', message: 'name is required' },
    ]);
    expect(await productsBySku(files.database.sql)).toEqual([
      // a number formatted 00000
      { sku: '00123', name: 'Kettle', description: 'Boils water', active: true },
      // 13 digits are exact
      {
        sku: '4006381333931',
        name: 'Merged name',
        description: 'first of merged',
        active: true,
      },
      // a hidden row is data, as in Excel's own CSV export
      { sku: 'HIDDEN-1', name: 'Hidden row', description: 'in a hidden row', active: true },
    ]);
  });

  test('reports a row by its sheet row number', async () => {
    const final = await importFile(
      files.database,
      'Products.xlsx',
      corpusFile('excel-cells-invalid.xlsx'),
    );
    expect(final).toMatchObject({ status: 'completed', created: 1, invalid: 1 });
    expect(await errorsOf(files.database.sql, final.id)).toEqual([
      { line: 4, sku: 'BAD-4', message: 'name is required' },
    ]);
  });

  test('fails saying so when the workbook is damaged, and when it has no rows', async () => {
    const whole = corpusFile('excel-cells.xlsx');
    const truncated = await importFile(
      files.database,
      'Products.xlsx',
      whole.subarray(0, whole.length - 400),
    );
    expect(truncated.status).toBe('failed');
    expect(truncated.error).toMatch(
      /^The workbook could not be read \(.+\); open it in Excel and save it again, or save it as "CSV UTF-8"\.$/,
    );
    const empty = await importFile(files.database, 'Empty.xlsx', corpusFile('excel-empty.xlsx'));
    expect(empty.status).toBe('failed');
    expect(empty.error).toMatch(/^The file is empty/);
    expect(await productsBySku(files.database.sql)).toEqual([]);
  });

  test('without relationship parts is still read: its header alone names what is missing', async () => {
    const final = await importFile(files.database, 'workbook.xlsx', corpusFile('workbook.xlsx'));
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/^The header has no "name" column \(found: "sku"\)/);
  });
});
