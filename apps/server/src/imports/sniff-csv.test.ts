import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { describeNonCsv, hasCsvNameOrType } from './sniff-csv.ts';
import { cleanFilename } from './upload-import.ts';

const bytes = (...values: number[]) => Buffer.from(values);

describe('hasCsvNameOrType', () => {
  it('accepts a .csv/.txt name or a CSV media type', () => {
    expect(hasCsvNameOrType('PRODUCTS.CSV', 'application/octet-stream')).toBe(true);
    expect(hasCsvNameOrType('export.txt', '')).toBe(true);
    expect(hasCsvNameOrType('export', 'text/csv; charset=utf-8')).toBe(true);
    expect(hasCsvNameOrType('export', 'application/vnd.ms-excel')).toBe(true);
    expect(hasCsvNameOrType('export', 'TEXT/PLAIN')).toBe(true);
    expect(hasCsvNameOrType('products.tsv', 'text/tab-separated-values')).toBe(true);
    expect(hasCsvNameOrType('products.csv.gz', 'application/x-gzip')).toBe(true);
    expect(hasCsvNameOrType('products', 'application/gzip')).toBe(true);
    expect(hasCsvNameOrType('products.csv.zip', 'application/octet-stream')).toBe(true);
    expect(hasCsvNameOrType('Katalog', 'application/x-zip-compressed')).toBe(true);
    expect(hasCsvNameOrType('Products.XLSX', 'application/octet-stream')).toBe(true);
    expect(hasCsvNameOrType('Preisliste.xlsm', 'application/octet-stream')).toBe(true);
    expect(hasCsvNameOrType('export', 'application/vnd.ms-excel.sheet.macroEnabled.12')).toBe(true);
    expect(hasCsvNameOrType('products.tab', '')).toBe(true);
    expect(
      hasCsvNameOrType(
        'export',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ),
    ).toBe(true);
  });

  it('refuses other names with other types', () => {
    expect(hasCsvNameOrType('photo.png', 'image/png')).toBe(false);
    expect(hasCsvNameOrType('products', 'application/octet-stream')).toBe(false);
  });
});

describe('describeNonCsv', () => {
  it('lets CSV text through: UTF-8 with or without a BOM, UTF-16, gzip-compressed CSV, .xlsx', () => {
    expect(describeNonCsv(Buffer.from('\ufeffsku\tname\n', 'utf16le'))).toBeUndefined();
    expect(describeNonCsv(gzipSync('sku,name\nA-1,x\n'))).toBeUndefined();
    expect(describeNonCsv(Buffer.from('sku,name\nA-1,nul\0in a cell\n'))).toBeUndefined();
    expect(describeNonCsv(Buffer.from('sku,name\nA-1,"Grey, large"\n'))).toBeUndefined();
    expect(describeNonCsv(Buffer.from('\ufeffsku,name\nÉté,Ünï\n'))).toBeUndefined();
    const workbook = Buffer.from('PK\x03\x04[Content_Types].xml xl/workbook.xml', 'latin1');
    expect(describeNonCsv(workbook)).toBeUndefined();
    // a zip archive is judged by its directory once stored (storeUpload)
    expect(describeNonCsv(Buffer.from('PK\x03\x04products.csv', 'latin1'))).toBeUndefined();
    expect(describeNonCsv(bytes(0x50, 0x4b, 0x05, 0x06, 0, 0))).toBeUndefined();
  });

  it('names the file types people upload by mistake', () => {
    const zip = bytes(0x50, 0x4b, 0x03, 0x04);
    const cases: [Buffer, RegExp][] = [
      [gzipSync(Buffer.concat([zip, Buffer.from('xl/workbook.xml')])), /compressed Excel/],
      [
        Buffer.concat([zip, Buffer.from('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')]),
        /OpenDocument spreadsheet/,
      ],
      [Buffer.concat([zip, Buffer.from('[Content_Types].xml word/document.xml')]), /Word document/],
      [
        Buffer.concat([zip, Buffer.from('[Content_Types].xml xl/workbook.bin')]),
        /^This looks like an Excel binary workbook \(\.xlsb\), which the import does not read; save it as an Excel workbook \(\.xlsx\) or as "CSV UTF-8"/,
      ],
      [
        Buffer.concat([zip, Buffer.from('Index/Document.iwa')]),
        /^This looks like an Apple Numbers document, which the import does not read; in Numbers choose File → Export To → Excel or CSV/,
      ],
      [bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), /Excel 97-2003/],
      [Buffer.from('%PDF-1.4\n'), /PDF document/],
      [bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d), /PNG image/],
      [gzipSync(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)), /PNG image/],
      [Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 7) % 32)), /binary file/],
    ];
    for (const [head, message] of cases) expect(describeNonCsv(head)).toMatch(message);
  });
});

describe('cleanFilename', () => {
  it('keeps non-ASCII names, strips controls and bidi overrides, names an unnamed part', () => {
    expect(cleanFilename('Préparation été — 製品.csv')).toBe('Préparation été — 製品.csv');
    expect(cleanFilename('invoice\u202Evsc.csv')).toBe('invoicevsc.csv');
    expect(cleanFilename('a\u0000b\r\n.csv')).toBe('ab.csv');
    expect(cleanFilename('')).toBe('upload.csv');
    expect(cleanFilename(undefined)).toBe('upload.csv');
  });
});
