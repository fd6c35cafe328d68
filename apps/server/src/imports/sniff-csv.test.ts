import { describe, expect, it } from 'vitest';
import { describeNonCsv, hasCsvNameOrType } from './sniff-csv.ts';

const bytes = (...values: number[]) => Buffer.from(values);

describe('hasCsvNameOrType', () => {
  it('accepts a .csv/.txt name or a CSV media type', () => {
    expect(hasCsvNameOrType('PRODUCTS.CSV', 'application/octet-stream')).toBe(true);
    expect(hasCsvNameOrType('export.txt', '')).toBe(true);
    expect(hasCsvNameOrType('export', 'text/csv; charset=utf-8')).toBe(true);
    expect(hasCsvNameOrType('export', 'application/vnd.ms-excel')).toBe(true);
    expect(hasCsvNameOrType('export', 'TEXT/PLAIN')).toBe(true);
  });

  it('refuses other names with other types', () => {
    expect(hasCsvNameOrType('photo.png', 'image/png')).toBe(false);
    expect(hasCsvNameOrType('products.csv.zip', 'application/zip')).toBe(false);
    expect(hasCsvNameOrType('products', 'application/octet-stream')).toBe(false);
  });
});

describe('describeNonCsv', () => {
  it('lets CSV text through, with or without a UTF-8 BOM', () => {
    expect(describeNonCsv(Buffer.from('sku,name\nA-1,"Grey, large"\n'))).toBeUndefined();
    expect(describeNonCsv(Buffer.from('\ufeffsku,name\nÉté,Ünï\n'))).toBeUndefined();
  });

  it('names the file types people upload by mistake', () => {
    const zip = bytes(0x50, 0x4b, 0x03, 0x04);
    const cases: [Buffer, RegExp][] = [
      [
        Buffer.concat([zip, Buffer.from('[Content_Types].xml xl/workbook.xml')]),
        /Excel \(\.xlsx\)/,
      ],
      [
        Buffer.concat([zip, Buffer.from('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')]),
        /OpenDocument spreadsheet/,
      ],
      [
        Buffer.concat([zip, Buffer.from('[Content_Types].xml word/document.xml')]),
        /Office document/,
      ],
      [Buffer.concat([zip, Buffer.from('products.csv')]), /ZIP archive/],
      [bytes(0x50, 0x4b, 0x05, 0x06, 0, 0), /ZIP archive/],
      [bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), /Excel 97-2003/],
      [Buffer.from('%PDF-1.4\n'), /PDF document/],
      [bytes(0x1f, 0x8b, 0x08), /gzip/],
      [Buffer.from('\ufeffsku,name\n', 'utf16le'), /UTF-16/],
      [bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d), /binary file/],
    ];
    for (const [head, message] of cases) expect(describeNonCsv(head)).toMatch(message);
  });
});
