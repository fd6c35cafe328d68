import { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { hasReadableFileExtension } from '@acme/shared';
import { ImportFailure } from '../import-failure.ts';
import { formatLimit } from './decompress.ts';

/**
 * A stored file read by byte range. A zip archive is read this way, not from start to end: its
 * table of contents (the central directory) is at its end, and only that says reliably what the
 * archive holds (yauzl's README, "No Streaming Unzip API").
 */
export interface RandomAccessFile {
  readonly size: number;
  /** Bytes `start` (inclusive) to `end` (exclusive), in order, a piece at a time. */
  read(start: number, end: number): AsyncIterable<Buffer>;
}

/** The one file of an archive the import reads, decompressed as it streams. */
export interface ZipMember {
  kind: 'member';
  /** Its path in the archive. */
  name: string;
  bytes: AsyncIterable<Buffer>;
  /** Other files it holds that are neither readable nor hidden (a logo, a PDF), for a warning. */
  others: string[];
  othersCount: number;
}

/** The archive is itself an Excel workbook (`[Content_Types].xml` and `xl/workbook.xml`). */
export interface ZipWorkbook {
  kind: 'workbook';
}

/** The parts every .xlsx package has, whatever its first entry. */
const WORKBOOK_PARTS = new Set(['[Content_Types].xml', 'xl/workbook.xml']);

/** How many names of a kind a message lists before it counts the rest. */
const NAMES_LISTED = 5;

/** yauzl reads through this: each range a stream of the stored file's pieces. */
class StoredFileReader extends yauzl.RandomAccessReader {
  readonly #file: RandomAccessFile;
  constructor(file: RandomAccessFile) {
    super();
    this.#file = file;
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.#file.read(start, end), { objectMode: false });
  }
}

/**
 * What zipping adds beside the files someone chose: directories, macOS Finder's `__MACOSX/`
 * folder and `._name` AppleDouble files (resource forks), and hidden files (`.DS_Store`); Windows'
 * `Thumbs.db` and `desktop.ini` when a folder was zipped.
 */
function isPackaging(path: string): boolean {
  if (path.endsWith('/') || path.startsWith('__MACOSX/')) return true;
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return base.startsWith('.') || base === 'thumbs.db' || base === 'desktop.ini';
}

/** Compression methods yauzl (like zlib) does not read, by what writes them. */
const METHOD_NAMES: Record<number, string> = {
  9: 'Deflate64',
  12: 'BZip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'XZ',
  98: 'PPMd',
};

const listed = (names: string[], count: number) =>
  names.map((name) => `"${name}"`).join(', ') +
  (count > names.length ? ` and ${count - names.length} more` : '');

/**
 * Opens the one delimited-text file or workbook (by its name: READABLE_FILE_EXTENSIONS) a zip
 * archive holds, ignoring what zipping adds (isPackaging); refuses, naming what it found, an
 * archive with none or several, an encrypted member, a compression method zlib lacks, and a
 * member that unzips to more than `maxBytes` (the upload limit, as for gzip). yauzl checks that the
 * member inflates to exactly the size the directory declares, so a forged size stops there too;
 * with one level of Deflate (at most ~1:1000) and no archive read inside an archive, nothing
 * larger than the limit is ever produced. Only the directory is read before this returns; the
 * member's data as `bytes` is read.
 */
export async function openZipMember(
  file: RandomAccessFile,
  options: { maxBytes: number },
): Promise<ZipMember | ZipWorkbook> {
  const zip = await yauzl
    .fromRandomAccessReaderPromise(new StoredFileReader(file), file.size, {
      autoClose: false,
      lazyEntries: true,
    })
    .catch((error: unknown) => {
      throw describeZipError(error) ?? error;
    });
  try {
    const readable: Entry[] = [];
    const readableNames: string[] = [];
    let readableCount = 0;
    const others: string[] = [];
    let othersCount = 0;
    const workbookParts = new Set<string>();
    try {
      for await (const entry of zip.eachEntry()) {
        if (WORKBOOK_PARTS.has(entry.fileName)) workbookParts.add(entry.fileName);
        if (isPackaging(entry.fileName)) continue;
        if (hasReadableFileExtension(entry.fileName)) {
          if (readable.length < 2) readable.push(entry);
          if (readableNames.length < NAMES_LISTED) readableNames.push(entry.fileName);
          readableCount++;
        } else {
          if (others.length < NAMES_LISTED) others.push(entry.fileName);
          othersCount++;
        }
      }
    } catch (error) {
      throw describeZipError(error) ?? error;
    }
    if (workbookParts.size === WORKBOOK_PARTS.size) return { kind: 'workbook' };
    if (readableCount > 1)
      throw new ImportFailure(
        `The zip archive holds ${readableCount} files to import (${listed(readableNames, readableCount)}); the import reads one file: upload them one at a time, or zip only the one to import.`,
      );
    const member = readable[0];
    if (!member)
      throw new ImportFailure(
        othersCount === 0
          ? 'The zip archive holds no files; zip the CSV file (or .xlsx workbook) to import and upload that archive.'
          : `The zip archive holds no CSV, TSV, TXT or Excel (.xlsx) file (found: ${listed(others, othersCount)}); zip the file to import, or upload it as it is.`,
      );
    const name = member.fileName;
    if (member.isEncrypted())
      throw new ImportFailure(
        `"${name}" in the zip archive is encrypted (password-protected), which the import cannot read; zip it again without a password, or upload the file itself.`,
      );
    if (member.compressionMethod !== 0 && member.compressionMethod !== 8)
      throw new ImportFailure(
        `"${name}" in the zip archive is compressed with ${METHOD_NAMES[member.compressionMethod] ?? `method ${member.compressionMethod}`}, which the import does not read; zip it again with ordinary (Deflate) compression, or upload the file itself.`,
      );
    if (member.uncompressedSize > options.maxBytes)
      throw new ImportFailure(
        `"${name}" in the zip archive unzips to ${formatLimit(member.uncompressedSize)}, more than the upload limit of ${formatLimit(options.maxBytes)}; split it into smaller files.`,
      );
    return { kind: 'member', name, bytes: memberBytes(zip, member), others, othersCount };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/**
 * The member's bytes, opened when first asked for (a caller checking the archive reads none), its
 * inflate or size errors in words.
 */
async function* memberBytes(zip: ZipFile, member: Entry): AsyncGenerator<Buffer> {
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(member);
  } catch (error) {
    throw describeZipError(error) ?? error;
  } finally {
    // Closes the reader once the member's stream has ended; no other read starts.
    zip.close();
  }
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw describeZipError(error) ?? error;
  } finally {
    stream.destroy();
  }
}

/**
 * yauzl's and zlib's errors (a damaged, truncated or forged archive) in words a user understands;
 * undefined for anything else, such as a lost database connection while the file is read, which
 * is retried rather than blamed on the file. yauzl's are plain Errors without a code.
 */
export function describeZipError(error: unknown): ImportFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code } = error as { code?: unknown };
  const fromZlib = typeof code === 'string' && code.startsWith('Z_');
  if (!fromZlib && (code !== undefined || error.constructor !== Error)) return undefined;
  if (/(too many|not enough) bytes in the stream/.test(error.message))
    return new ImportFailure(
      'The zip archive is damaged: a file in it does not unzip to the size its table of contents says; zip the file again and upload the new archive.',
    );
  if (/end of central directory record signature not found/i.test(error.message))
    return new ImportFailure(
      'The zip archive is incomplete or damaged (its table of contents, at its end, is missing): upload the complete archive, or zip the file again.',
    );
  return new ImportFailure(
    `The zip archive is damaged (${error.message}); zip the file again and upload the new archive.`,
  );
}
