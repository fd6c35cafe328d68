import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { ImportFailure } from '../import-failure.ts';
import type { CsvRecord } from './csv-records.ts';

/** What exceljs's streaming reader gives that its type declarations leave out. */
interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  name?: string;
}
interface BookReader extends AsyncIterable<SheetReader> {
  model?: { sheets?: { name: string }[] };
  properties?: { model?: { date1904?: boolean } };
}

/**
 * The first sheet of an `.xlsx` workbook as records `{ line, fields }`, like a CSV file's: the line
 * is the sheet's row number, and every cell becomes the text a person sees in it (see cellText).
 *
 * exceljs's streaming WorkbookReader reads the ZIP entry by entry: the sheet is parsed as it
 * streams, never held whole. Only the shared strings table (text cells point into it) is kept in
 * memory; when a writer stores it after the sheets (Excel does), exceljs parks each sheet's XML in a
 * temporary file until the table has been read. Later sheets are read past, not imported.
 */
export async function* xlsxRecords(
  input: Readable,
  progress: { line: number },
): AsyncGenerator<CsvRecord> {
  // Loaded with the first workbook, not at start: exceljs is ~10 MB of the worker's resident
  // memory (157 → 147 MB measured after loading @acme/jobs), and most imports are CSV.
  const { default: excel } = await import('exceljs');
  const book = new excel.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // number formats: which numbers are dates, which are zero-padded codes
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as BookReader;
  let imported = false;
  try {
    for await (const sheet of book) {
      // The first in the workbook's order (its tab), whatever the order of the ZIP's entries.
      const first = book.model?.sheets?.[0]?.name;
      if (imported || (first !== undefined && sheet.name !== undefined && sheet.name !== first)) {
        // exceljs deletes a parked sheet's file once it has been read through.
        for await (const row of sheet) void row;
        continue;
      }
      imported = true;
      yield* sheetRecords(sheet, book.properties?.model?.date1904 === true, progress);
    }
  } catch (error) {
    if (error instanceof ImportFailure) throw error;
    throw new ImportFailure(
      `The workbook could not be read (${(error as Error).message}); open it in Excel and save it again, or save it as "CSV UTF-8".`,
    );
  }
  if (!imported)
    throw new ImportFailure('The workbook has no worksheet; save the sheet as "CSV UTF-8".');
}

async function* sheetRecords(
  sheet: SheetReader,
  date1904: boolean,
  progress: { line: number },
): AsyncGenerator<CsvRecord> {
  let width: number | undefined; // the header's: rows are padded to it, as a CSV row would be
  for await (const row of sheet) {
    progress.line = row.number;
    const fields: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      fields[column - 1] = cellText(cell, date1904);
    });
    for (let i = 0; i < fields.length; i++) fields[i] ??= '';
    // Cells styled but empty at the end of a row are not values.
    while (fields.length > (width ?? 0) && fields.at(-1)?.trim() === '') fields.pop();
    width ??= fields.length;
    while (fields.length < width) fields.push('');
    yield { line: row.number, fields };
  }
}

/**
 * A cell as the text a person sees in Excel: numbers without float noise or a trailing ".0"
 * (15 significant digits, as Excel shows them), zero-padded when the cell's format pads them
 * (`00000`: a code such as 00123); dates as ISO 8601 (`2024-03-01`, or with the time when it has
 * one); booleans as TRUE/FALSE; a formula as its last result; rich text and hyperlinks as their text;
 * an error value as written (`#N/A`).
 */
export function cellText(cell: Pick<ExcelJS.Cell, 'value' | 'numFmt'>, date1904 = false): string {
  const value = cell.value as unknown;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    return isDateFormat(cell.numFmt)
      ? isoDate(serialToDate(value, date1904))
      : numberText(value, cell.numFmt);
  }
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (Array.isArray(object['richText']))
      return (object['richText'] as { text?: string | null }[])
        .map((run) => run.text ?? '')
        .join('');
    if ('formula' in object || 'sharedFormula' in object)
      return cellText(
        { value: object['result'] as ExcelJS.CellValue, numFmt: cell.numFmt },
        date1904,
      );
    if (typeof object['error'] === 'string') return object['error'];
    if (typeof object['text'] === 'string') return object['text'];
  }
  // A cell kind exceljs may add later: its data rather than "[object Object]".
  return JSON.stringify(value) ?? '';
}

function numberText(value: number, numFmt: string | undefined): string {
  if (!Number.isFinite(value)) return String(value);
  const padded = numFmt !== undefined && /^0+$/.test(numFmt);
  if (padded && Number.isInteger(value) && value >= 0)
    return String(value).padStart(numFmt.length, '0');
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  return String(Number(value.toPrecision(15)));
}

/** Whether a number format shows a date or time (its codes, outside quoted text and [colours]). */
function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt || numFmt === 'General') return false;
  const codes = numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[dmyhs]/i.test(codes) && !/^[#0.,%E+-]*$/i.test(codes);
}

/** Excel's day numbers (days since 1899-12-30, or 1904-01-01 in Mac's old system) as UTC. */
function serialToDate(serial: number, date1904: boolean): Date {
  const days = serial + (date1904 ? 1462 : 0) - 25569;
  return new Date(Math.round(days * 86_400) * 1000);
}

/** `2024-03-01`, or `2024-03-01T14:30:00` when there is a time of day (Excel has no time zone). */
function isoDate(date: Date): string {
  // exceljs gives a cell's wall-clock time as UTC; round away float noise below the second.
  const rounded = new Date(Math.round(date.getTime() / 1000) * 1000);
  const iso = rounded.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
}
