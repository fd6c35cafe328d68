import ExcelJS from 'exceljs';

/**
 * A product workbook for tests and bench/xlsx.ts, written as Excel lays one out: text in a shared
 * strings table stored after the sheet, `active` as boolean cells, unique names and descriptions
 * (the worst case for the table the reader keeps in memory). Streams to `path` as it goes.
 */
export async function writeSampleWorkbook(path: string, rows: number): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const sheet = book.addWorksheet('Products');
  sheet.addRow(['sku', 'name', 'description', 'active']).commit();
  for (let i = 1; i <= rows; i++) {
    sheet
      .addRow([
        `XL-${String(i).padStart(7, '0')}`,
        `Sample product ${i}`,
        `Sample description ${i}, written by writeSampleWorkbook; ships fully assembled.`,
        i % 7 !== 0,
      ])
      .commit();
  }
  sheet.commit();
  await book.commit();
}
