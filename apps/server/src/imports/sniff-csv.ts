/**
 * Tells a CSV upload from the other files people pick by mistake: first by its name and declared
 * type, then by its first bytes, since names and types are easy to get wrong.
 */

const CSV_EXTENSION = /\.(csv|txt)$/i;
const CSV_MEDIA_TYPES = new Set(['text/csv', 'application/vnd.ms-excel', 'text/plain']);

const SAVE_AS_CSV = 'save it as CSV (UTF-8) and upload again';

/** A name ending in .csv/.txt, or a media type browsers send for CSV files. */
export function hasCsvNameOrType(filename: string, mediaType: string): boolean {
  const type = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return CSV_EXTENSION.test(filename) || CSV_MEDIA_TYPES.has(type);
}

const startsWith = (head: Buffer, magic: readonly number[]) =>
  head.length >= magic.length && magic.every((byte, index) => head[index] === byte);

/** Office formats are ZIP archives; their first entries name what is inside. */
function describeZip(head: Buffer): string {
  const text = head.toString('latin1');
  if (text.includes('[Content_Types].xml') && text.includes('xl/')) {
    return `This looks like an Excel (.xlsx) file; ${SAVE_AS_CSV}`;
  }
  if (text.includes('application/vnd.oasis.opendocument.spreadsheet')) {
    return `This looks like an OpenDocument spreadsheet (.ods); ${SAVE_AS_CSV}`;
  }
  if (text.includes('[Content_Types].xml')) {
    return `This looks like an Office document, not a CSV file; ${SAVE_AS_CSV}`;
  }
  return 'This looks like a ZIP archive, not a CSV file; unzip it and upload the CSV file inside';
}

/**
 * Why the first bytes of a file show it is no CSV text, or undefined when they could be one.
 * `head` is the start of the file (up to ~1 MiB).
 */
export function describeNonCsv(head: Buffer): string | undefined {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    return describeZip(head);
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return `This looks like an Excel 97-2003 (.xls) file; ${SAVE_AS_CSV}`;
  }
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) {
    return 'This looks like a PDF document, not a CSV file; export the data as CSV (UTF-8)';
  }
  if (startsWith(head, [0x1f, 0x8b])) {
    return 'This looks like a gzip-compressed file; decompress it and upload the CSV file';
  }
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    return `This file is UTF-16 text; ${SAVE_AS_CSV}`;
  }
  // Text never holds NUL bytes; images, archives and most binary formats do, early on.
  if (head.includes(0)) return 'This looks like a binary file, not CSV text';
  return undefined;
}
