import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { ImportFailure } from '../import-failure.ts';
import type { CsvRecord } from './csv-records.ts';
import { SharedStrings, type RichText } from './shared-strings.ts';

/** What exceljs's streaming reader gives that its type declarations leave out. */
interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  name?: string;
}
/** What `parse()` yields: worksheets, and (sharedStrings: 'emit') each shared string. */
type BookEvent =
  | { eventType: 'worksheet'; value: SheetReader }
  | { eventType?: undefined; index: number; text: string | RichText | null }
  | { eventType: 'hyperlinks' | 'shared-strings'; value: unknown };
interface BookReader {
  parse(): AsyncIterable<BookEvent>;
  model?: { sheets?: { name: string }[] };
  properties?: { model?: { date1904?: boolean } };
}

/** Which sheets an import read and passed over, for its warnings (`sheetWarnings`). */
export interface SheetsRead {
  /** The sheet imported. */
  imported?: string;
  /** The first sheet, when it had no values and a later one was imported instead. */
  emptyFirst?: string;
  /** Sheets with values that were not imported, with their rows that hold values. */
  others: { name: string; rows: number }[];
}

/**
 * The first sheet of an `.xlsx` workbook that has values, as records `{ line, fields }`, like a
 * CSV file's: the line is the sheet's row number, and every cell becomes the text a person sees
 * in it (see cellText). Rows without values above the first row with one are not records (a
 * sheet's header often starts lower down). An empty first sheet (a cover tab) gives way to the
 * next sheet in the file that has values; `sheets` tells which, and which other sheets held data.
 *
 * exceljs's streaming WorkbookReader reads the ZIP entry by entry: the sheet is parsed as it
 * streams, never held whole. Only the shared strings table (text cells point into it) is kept in
 * memory, compactly (SharedStrings: exceljs emits each string, text cells come with its index);
 * exceljs parks each sheet's XML in a temporary file until the table has been read. Other sheets
 * are read past, not imported.
 */
export async function* xlsxRecords(
  input: Readable,
  progress: { line: number },
  sheets: SheetsRead = { others: [] },
): AsyncGenerator<CsvRecord> {
  // Loaded with the first workbook, not at start: exceljs is ~10 MB of the worker's resident
  // memory (157 → 147 MB measured after loading @acme/jobs), and most imports are CSV.
  const { default: excel } = await import('exceljs');
  const book = new excel.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'emit', // into SharedStrings, not exceljs's array of strings
    styles: 'cache', // number formats: which numbers are dates, which are zero-padded codes
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as BookReader;
  const strings = new SharedStrings();
  let seen = 0;
  try {
    for await (const event of book.parse()) {
      if (event.eventType === undefined) {
        strings.push(event.text);
        continue;
      }
      if (event.eventType !== 'worksheet') continue;
      const sheet = event.value;
      seen++;
      // The first in the workbook's order (its tab), whatever the order of the ZIP's entries.
      const first = book.model?.sheets?.[0]?.name;
      const name = sheet.name ?? first ?? `Sheet${seen}`;
      const isFirst = first === undefined || sheet.name === undefined || sheet.name === first;
      if (sheets.imported === undefined && (isFirst || sheets.emptyFirst !== undefined)) {
        let any = false;
        for await (const record of sheetRecords(
          sheet,
          { date1904: book.properties?.model?.date1904 === true, strings },
          progress,
        )) {
          any = true;
          yield record;
        }
        if (any) sheets.imported = name;
        else sheets.emptyFirst ??= name;
        continue;
      }
      // Read through (exceljs deletes a parked sheet's file then), counting rows with values.
      let rows = 0;
      for await (const row of sheet) if (row.hasValues) rows++;
      if (rows > 0) sheets.others.push({ name, rows });
    }
  } catch (error) {
    if (error instanceof ImportFailure) throw error;
    throw new ImportFailure(
      `The workbook could not be read (${(error as Error).message}); open it in Excel and save it again, or save it as "CSV UTF-8".`,
    );
  } finally {
    strings.close();
  }
  if (seen === 0)
    throw new ImportFailure('The workbook has no worksheet; save the sheet as "CSV UTF-8".');
}

/** Sheets named in a warning; the rest are counted. */
const NAMED_SHEETS = 5;

/** What the import should say about the sheets it did not read. */
export function sheetWarnings(sheets: SheetsRead): string[] {
  const warnings: string[] = [];
  if (sheets.imported !== undefined && sheets.emptyFirst !== undefined)
    warnings.push(
      `The first sheet ("${sheets.emptyFirst}") is empty; imported the sheet "${sheets.imported}".`,
    );
  if (sheets.imported !== undefined && sheets.others.length > 0) {
    const named = sheets.others
      .slice(0, NAMED_SHEETS)
      .map(
        ({ name, rows }) =>
          `"${name}" (${rows.toLocaleString('en')} ${rows === 1 ? 'row' : 'rows'})`,
      )
      .join(', ');
    const more =
      sheets.others.length > NAMED_SHEETS ? ` and ${sheets.others.length - NAMED_SHEETS} more` : '';
    warnings.push(
      `Imported only the sheet "${sheets.imported}"; other sheets with data were not: ${named}${more}.`,
    );
  }
  return warnings;
}

/** What reading a cell needs from its workbook. */
interface Book {
  /** Mac's old date system (day 0 is 1904-01-01). */
  date1904: boolean;
  strings: SharedStrings;
}

async function* sheetRecords(
  sheet: SheetReader,
  book: Book,
  progress: { line: number },
): AsyncGenerator<CsvRecord> {
  let width: number | undefined; // the header's: rows are padded to it, as a CSV row would be
  for await (const row of sheet) {
    progress.line = row.number;
    const fields: string[] = [];
    let inexactNumbers: number[] | undefined;
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      fields[column - 1] = cellText(cell, book);
      if (isInexactNumber(cell)) (inexactNumbers ??= []).push(column - 1);
    });
    for (let i = 0; i < fields.length; i++) fields[i] ??= '';
    // Rows without values above the first one with values (above the header) are no records.
    if (width === undefined && fields.every((field) => field.trim() === '')) continue;
    // Cells styled but empty at the end of a row are not values.
    while (fields.length > (width ?? 0) && fields.at(-1)?.trim() === '') fields.pop();
    width ??= fields.length;
    while (fields.length < width) fields.push('');
    yield inexactNumbers
      ? { line: row.number, fields, inexactNumbers }
      : { line: row.number, fields };
  }
}

/**
 * A cell as the text a person sees in Excel: numbers without float noise or a trailing ".0"
 * (15 significant digits, as Excel shows them), zero-padded when the cell's format pads them
 * (`00000`: a code such as 00123); dates as ISO 8601 (`2024-03-01`, or with the time when it has
 * one); booleans as TRUE/FALSE; a formula as its last result; rich text and hyperlinks as their text;
 * an error value as written (`#N/A`); a shared string (exceljs gives its index) from the table.
 */
export function cellText(cell: Pick<ExcelJS.Cell, 'value' | 'numFmt'>, book: Book): string {
  let value = cell.value as unknown;
  if (value !== null && typeof value === 'object' && 'sharedString' in value)
    value = book.strings.get(value.sharedString as number) ?? '';
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    return isDateFormat(cell.numFmt)
      ? isoDate(serialToDate(value, book.date1904))
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
      return cellText({ value: object['result'] as ExcelJS.CellValue, numFmt: cell.numFmt }, book);
    if (typeof object['error'] === 'string') return object['error'];
    if (typeof object['text'] === 'string') return object['text'];
  }
  // A cell kind exceljs may add later: its data rather than "[object Object]".
  return JSON.stringify(value) ?? '';
}

/**
 * Whether a cell holds a whole number of more than 15 digits (not a date): spreadsheets keep 15
 * significant digits, so the digits after them are not the ones typed.
 */
function isInexactNumber(cell: Pick<ExcelJS.Cell, 'value' | 'numFmt'>): boolean {
  let value = cell.value as unknown;
  if (value !== null && typeof value === 'object' && 'result' in value) value = value.result;
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    Math.abs(value) >= 1e15 &&
    !isDateFormat(cell.numFmt)
  );
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
