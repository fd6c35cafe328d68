import { gunzipSync, constants as zlib } from 'node:zlib';
import { hasReadableFileExtension, SAVE_AS_READABLE } from '@acme/shared';

/**
 * What the first bytes of an upload say it is. Names and media types are easy to get wrong, so
 * the upload route and the worker both decide by content: a gzip stream, a zip archive or an
 * Excel workbook is read as such, text is read as delimited text, everything else is refused with
 * its name.
 */
export type FileKind =
  | { kind: 'text' }
  | { kind: 'gzip' }
  | { kind: 'zip' }
  | { kind: 'xlsx' }
  | { kind: 'refused'; reason: string };

const SAVE_AS_CSV = 'save it as "CSV UTF-8" and upload that file';

const startsWith = (head: Buffer, magic: readonly number[]) =>
  head.length >= magic.length && magic.every((byte, index) => head[index] === byte);

const MAGIC: readonly (readonly [readonly number[], string])[] = [
  [
    [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    `This looks like an Excel 97-2003 (.xls) file, which the import does not read; ${SAVE_AS_READABLE}`,
  ],
  [
    [0x25, 0x50, 0x44, 0x46, 0x2d],
    'This looks like a PDF document, not a CSV file; export the data as CSV UTF-8',
  ],
  [[0x89, 0x50, 0x4e, 0x47], 'This looks like a PNG image, not a CSV file'],
  [[0xff, 0xd8, 0xff], 'This looks like a JPEG image, not a CSV file'],
  [[0x47, 0x49, 0x46, 0x38], 'This looks like a GIF image, not a CSV file'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'This looks like a 7-Zip archive, not a CSV file'],
  [[0x52, 0x61, 0x72, 0x21], 'This looks like a RAR archive, not a CSV file'],
  [[0x42, 0x5a, 0x68], 'This looks like a bzip2-compressed file; only gzip (.gz) is read'],
  [
    [0xfd, 0x37, 0x7a, 0x58, 0x5a],
    'This looks like an xz-compressed file; only gzip (.gz) is read',
  ],
  [[0x28, 0xb5, 0x2f, 0xfd], 'This looks like a zstd-compressed file; only gzip (.gz) is read'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'This looks like an SQLite database, not a CSV file'],
];

/** The name of a zip's first entry, from its local file header, when the head holds it. */
function firstEntryName(head: Buffer): string | undefined {
  if (!startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || head.length < 30) return undefined;
  const end = 30 + head.readUInt16LE(26);
  return head.length >= end ? head.toString('latin1', 30, end) : undefined;
}

/**
 * Whether a zip starts with what people zip (a CSV file or workbook, a folder, macOS Finder's
 * `__MACOSX/`) rather than an Office package's parts (`[Content_Types].xml`, `_rels/.rels`): a
 * workbook zipped without compression shows its own `xl/` parts in the head, and is still an
 * archive of a workbook. (A workbook whose first entry is a folder is read as one all the same:
 * the worker finds its parts in the directory, zip-archive.ts.)
 */
function startsLikeArchive(head: Buffer): boolean {
  const name = firstEntryName(head);
  if (name === undefined) return false;
  return name.endsWith('/') || name.startsWith('__MACOSX/') || hasReadableFileExtension(name);
}

/**
 * Office formats are ZIP archives; their first entries name what is inside. Any other zip is an
 * archive of files, whose directory (at its end) the worker reads (zip-archive.ts).
 */
function zipKind(head: Buffer): FileKind {
  if (startsLikeArchive(head)) return { kind: 'zip' };
  const text = head.toString('latin1');
  if (text.includes('xl/workbook.bin'))
    return {
      kind: 'refused',
      reason: `This looks like an Excel binary workbook (.xlsb), which the import does not read; ${SAVE_AS_READABLE}`,
    };
  if (text.includes('xl/') || text.includes('[Content_Types].xml')) {
    if (text.includes('xl/')) return { kind: 'xlsx' };
    if (text.includes('word/'))
      return { kind: 'refused', reason: 'This looks like a Word document, not a CSV file' };
    return {
      kind: 'refused',
      reason: `This looks like an Office document, not a spreadsheet; ${SAVE_AS_CSV}`,
    };
  }
  if (text.includes('application/vnd.oasis.opendocument.spreadsheet'))
    return {
      kind: 'refused',
      reason: `This looks like an OpenDocument spreadsheet (.ods), which the import does not read; ${SAVE_AS_READABLE}`,
    };
  if (text.includes('Index/Document.iwa'))
    return {
      kind: 'refused',
      reason:
        'This looks like an Apple Numbers document, which the import does not read; in Numbers choose File → Export To → Excel or CSV and upload that file',
    };
  return { kind: 'zip' };
}

/** Bytes that never occur in text: C0 controls other than tab, line breaks, form feed, escape. */
function isControl(byte: number): boolean {
  return byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c;
}

/**
 * Whether `head` (the first bytes of a file without a UTF-16 byte order mark) is binary: text may
 * hold a stray NUL or control character in a cell (that row is reported, not the whole file),
 * but binary formats are full of them.
 */
export function looksBinary(head: Buffer): boolean {
  const sample = head.subarray(0, 65_536);
  let controls = 0;
  for (const byte of sample) if (isControl(byte)) controls++;
  return controls >= 8 && controls * 100 > sample.length;
}

/** Whether `head` is UTF-16 text (a BOM, or every other byte NUL in ASCII-heavy text). */
export function utf16ByteOrder(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (startsWith(head, [0xff, 0xfe]) && !startsWith(head, [0xff, 0xfe, 0, 0])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  const sample = head.subarray(0, 4096 - (Math.min(head.length, 4096) % 2));
  if (sample.length < 8) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) evenNul++;
    if (sample[i + 1] === 0) oddNul++;
  }
  const pairs = sample.length / 2;
  if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/**
 * Whether `head` is a flat OpenDocument spreadsheet (`.fods`, LibreOffice's one-file XML): text,
 * but read as CSV it would only fail for want of a header.
 */
function isFlatOpenDocumentSpreadsheet(head: Buffer): boolean {
  const start = head.toString('utf8', 0, 4096);
  return (
    /^\uFEFF?\s*<\?xml/.test(start) &&
    start.includes('office:mimetype="application/vnd.oasis.opendocument.spreadsheet"')
  );
}

/** What `head` (the start of a file, up to ~1 MiB) is; see FileKind. */
export function sniffFileKind(head: Buffer): FileKind {
  if (head.length === 0) return { kind: 'refused', reason: 'The file is empty' };
  if (startsWith(head, [0x1f, 0x8b])) return { kind: 'gzip' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]))
    return zipKind(head);
  for (const [magic, reason] of MAGIC)
    if (startsWith(head, magic)) return { kind: 'refused', reason };
  if (utf16ByteOrder(head)) return { kind: 'text' };
  if (looksBinary(head))
    return {
      kind: 'refused',
      reason: `This looks like a binary file, not CSV text; ${SAVE_AS_CSV}`,
    };
  if (isFlatOpenDocumentSpreadsheet(head))
    return {
      kind: 'refused',
      reason: `This looks like a flat OpenDocument spreadsheet (.fods), which the import does not read; ${SAVE_AS_READABLE}`,
    };
  return { kind: 'text' };
}

/**
 * The kind of what a gzip stream holds, from the stream's first bytes (a truncated stream
 * decompresses as far as it goes): a gzipped PNG or tarball is refused at upload.
 */
export function sniffGzipContent(head: Buffer): FileKind {
  let inner: Buffer;
  try {
    inner = gunzipSync(head, { finishFlush: zlib.Z_SYNC_FLUSH });
  } catch {
    return {
      kind: 'refused',
      reason: 'The file starts like gzip but is not a valid gzip stream; compress it again',
    };
  }
  if (inner.length === 0) return { kind: 'text' }; // nothing decompressed yet: the worker decides
  const kind = sniffFileKind(inner);
  if (kind.kind === 'gzip' || kind.kind === 'zip')
    return { kind: 'refused', reason: 'The file is compressed twice; decompress it once more' };
  if (kind.kind === 'xlsx')
    return { kind: 'refused', reason: `This is a compressed Excel workbook; ${SAVE_AS_CSV}` };
  // A tar archive of CSV files: the CSV text would start after a 512-byte header.
  if (inner.length >= 262 && inner.toString('latin1', 257, 262) === 'ustar')
    return {
      kind: 'refused',
      reason: 'This is a tar archive (.tar.gz); upload the CSV file itself, or that file gzipped',
    };
  return kind;
}
