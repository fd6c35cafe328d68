import { sniffFileKind, sniffGzipContent } from '@acme/jobs';
import { hasImportFileExtension } from '@acme/shared';

/**
 * Tells a CSV (or .xlsx workbook) upload from the other files people pick by mistake: first by its name and declared
 * type, then by its first bytes (`sniffFileKind`, shared with the worker), since names and types
 * are easy to get wrong.
 */

/** What browsers really send for these files (Windows sends Excel's type for .csv). */
const CSV_MEDIA_TYPES = new Set([
  'text/csv',
  'text/x-csv',
  'application/csv',
  'application/x-csv',
  'text/comma-separated-values',
  'text/x-comma-separated-values',
  'text/tab-separated-values',
  'application/vnd.ms-excel',
  'text/plain',
  'application/gzip',
  'application/x-gzip',
  'application/x-gzip-compressed',
  'application/gzip-compressed',
  'application/zip',
  'application/x-zip-compressed',
  'application/x-zip',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel.sheet.macroenabled.12',
]);

/**
 * A name the import takes (IMPORT_FILE_EXTENSIONS: .csv/.tsv/.tab/.txt, .xlsx, .xlsm, gzipped
 * (.gz) or zipped (.zip)), or a media type browsers send for them.
 */
export function hasCsvNameOrType(filename: string, mediaType: string): boolean {
  const type = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return hasImportFileExtension(filename) || CSV_MEDIA_TYPES.has(type);
}

/**
 * Why the first bytes of a file show it is no CSV text the import can read, or undefined when
 * they could be one. `head` is the start of the file (up to ~1 MiB); a gzip file is judged by
 * what it decompresses to, a zip archive by its directory once stored (storeUpload).
 */
export function describeNonCsv(head: Buffer): string | undefined {
  const kind = sniffFileKind(head);
  if (kind.kind === 'refused') return kind.reason;
  if (kind.kind === 'gzip') {
    const inner = sniffGzipContent(head);
    return inner.kind === 'refused' ? inner.reason : undefined;
  }
  return undefined;
}
