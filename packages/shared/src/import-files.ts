/**
 * Which files the import takes, by name, shared by the upload route and the dashboard's file
 * picker so that the two agree (the worker then decides by content, file-kind.ts).
 */

/** Delimited text and Excel workbooks (`.xlsm` is `.xlsx` with macros): what a zip archive may hold. */
export const READABLE_FILE_EXTENSIONS = ['.csv', '.tsv', '.tab', '.txt', '.xlsx', '.xlsm'] as const;

/** Those files, and a gzip stream (any `.gz`) or a zip archive holding one of them. */
export const IMPORT_FILE_EXTENSIONS = [...READABLE_FILE_EXTENSIONS, '.gz', '.zip'] as const;

/** What to do with a spreadsheet the import does not read. */
export const SAVE_AS_READABLE =
  'save it as an Excel workbook (.xlsx) or as "CSV UTF-8" and upload that file';

/** Spreadsheet formats people pick that the import does not read, by name ending. */
const UNREAD_SPREADSHEETS: readonly (readonly [string, string])[] = [
  ['.xls', 'an Excel 97-2003 workbook (.xls)'],
  ['.xlsb', 'an Excel binary workbook (.xlsb)'],
  ['.ods', 'an OpenDocument spreadsheet (.ods)'],
  ['.numbers', 'an Apple Numbers document (.numbers)'],
];

const endsWithOneOf = (filename: string, extensions: readonly string[]): boolean => {
  const name = filename.toLowerCase();
  return extensions.some((extension) => name.endsWith(extension));
};

export function hasImportFileExtension(filename: string): boolean {
  return endsWithOneOf(filename, IMPORT_FILE_EXTENSIONS);
}

/** Whether a file so named is delimited text or a workbook (the member a zip archive is read for). */
export function hasReadableFileExtension(filename: string): boolean {
  return endsWithOneOf(filename, READABLE_FILE_EXTENSIONS);
}

/** Why a file named like a spreadsheet the import does not read is refused, or undefined. */
export function unreadSpreadsheetReason(filename: string): string | undefined {
  const name = filename.toLowerCase();
  const known = UNREAD_SPREADSHEETS.find(([extension]) => name.endsWith(extension));
  return (
    known && `"${filename}" is ${known[1]}, which the import does not read; ${SAVE_AS_READABLE}.`
  );
}
