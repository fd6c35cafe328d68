import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { TImportFormat } from '@acme/shared';

export type FileFormat = Omit<TImportFormat, 'profile'>;
import { ImportFailure } from '../import-failure.ts';
import { CsvNormaliser } from './csv-normaliser.ts';
import { LineNumberedCsvParser } from './csv-records.ts';
import { describingGzipErrors, InflatedSizeLimit } from './decompress.ts';
import { sniffDialect, type Dialect } from './dialect.ts';
import { sniffFileKind } from './file-kind.ts';
import { RecordCleaner } from './record-cleaner.ts';
import { sheetWarnings, xlsxRecords, type SheetsRead } from './xlsx-records.ts';
import { openZipMember, type RandomAccessFile } from './zip-archive.ts';
import {
  isSingleByte,
  singleByteFieldDecoder,
  TextDecoding,
  type TextEncodingName,
} from './text-encoding.ts';

/** Text looked at to sniff the dialect. */
const HEAD_BYTES = 65_536;
/** Upper bound on one record, so a stray quote or a pasted image never holds the whole file. */
export const MAX_RECORD_BYTES = 1_048_576;

/**
 * An uploaded file as records `{ line, fields, error? }` (the first is the header) and how it was
 * read (`format`): the import's boundary between the file's bytes and its columns.
 */
export interface RecordSource {
  /** Objects of type CsvRecord, in file order, with backpressure. */
  records: Readable;
  /** Known once the source is open; `encoding` may still change from an ASCII start to the encoding the first non-ASCII bytes show. */
  /** The import's `format` but for `profile`, which the header's mapping decides. */
  format: FileFormat;
  /** Bytes of the stored file read so far (compressed, for a `.gz` or `.zip`). */
  bytesRead: () => number;
  /** Rows whose fields were all empty or white space. */
  blank: () => number;
  /** Notes about the file (e.g. repeated header rows), final at the end. */
  warnings: () => string[];
  /** What the parser was reading when it failed (see describeCsvError). */
  currentLine: () => number;
}

export interface RecordSourceOptions {
  /** The upload size limit, applied to what a `.gz` or `.zip` decompresses to as well. */
  maxBytes: number;
  signal?: AbortSignal;
  /**
   * The same file read by byte range, for a zip archive (its directory is at its end). Without
   * it (a caller holding only the file's first piece) a zip archive is not read.
   */
  randomAccess?: () => Promise<RandomAccessFile>;
  /** The file is this member of a zip archive: an archive or gzip stream in it is refused. */
  archiveMember?: string;
}

/**
 * Opens the stored file: detects gzip (streaming gunzip, the size limit applied to what it
 * inflates to), a zip archive (its one importable member, read the same way) and anything that is
 * not text; decodes it (TextDecoding); sniffs the dialect from its first 64 KiB; then normalises,
 * parses and cleans it record by record. Reads only the head before returning; the rest streams
 * as `records` is consumed.
 */
export async function openRecordSource(
  chunks: AsyncIterable<Buffer>,
  options: RecordSourceOptions,
): Promise<RecordSource> {
  let bytesRead = 0;
  const counted = (async function* () {
    for await (const chunk of chunks) {
      bytesRead += chunk.length;
      yield chunk;
    }
  })();
  const stored = await peek(counted, 1);
  const kind = sniffFileKind(stored.head);
  if (kind.kind === 'refused') throw new ImportFailure(`${kind.reason}.`);
  if (options.archiveMember !== undefined && (kind.kind === 'gzip' || kind.kind === 'zip'))
    throw new ImportFailure(
      `"${options.archiveMember}" in the zip archive is itself compressed; zip the CSV file (or .xlsx workbook) itself, or upload it as it is.`,
    );
  if (kind.kind === 'zip') return openZip(options);
  if (kind.kind === 'xlsx') return openWorkbook(stored.all, () => bytesRead, options.signal);
  const compression = kind.kind === 'gzip' ? 'gzip' : null;

  const decoding = new TextDecoding();
  // zlib's errors, in the head or megabytes later (damaged, truncated), in a user's words.
  const text = describingGzipErrors(
    pipeline(
      [
        // One piece ahead, not Readable.from's 16: each is a 1 MiB piece of the file, and the parse
        // sets the pace anyway (peak RSS, docs/performance.md).
        Readable.from(stored.all, { highWaterMark: 1 }),
        ...(compression === 'gzip'
          ? [createGunzip(), new InflatedSizeLimit(options.maxBytes)]
          : []),
        decoding,
      ],
      () => {}, // errors reach the reader of `text` (it is destroyed with them)
    ) as unknown as AsyncIterable<Buffer>,
  );

  const head = await peek(text, HEAD_BYTES);
  if (head.head.length === 0) throw new ImportFailure(emptyFile());
  const dialect: Dialect = sniffDialect(head.head.toString('latin1'), head.ended);
  const format: FileFormat = {
    encoding: decoding.encoding,
    delimiter: dialect.delimiter,
    compression,
  };

  const normaliser = new CsvNormaliser(dialect, { maxRecordBytes: MAX_RECORD_BYTES });
  const parser = new LineNumberedCsvParser(dialect, { maxRecordChars: 2 * MAX_RECORD_BYTES });
  const cleaner = new RecordCleaner({
    problems: normaliser.problems,
    invalidBytesIn: () => (decoding.sawInvalidBytes ? decoding.encoding : undefined),
  });
  const useEncoding = (encoding: TextEncodingName) => {
    format.encoding = encoding;
    if (!isSingleByte(encoding)) return; // transcoded to UTF-8 by TextDecoding
    parser.decodeFieldsAsLatin1();
    cleaner.useFieldDecoder(singleByteFieldDecoder(encoding));
  };
  // Decided while the head was read, or later: before any non-ASCII byte reaches the parser.
  useEncoding(decoding.encoding);
  decoding.onLegacy = useEncoding;

  const records = pipeline(
    [Readable.from(head.all, { highWaterMark: 1 }), normaliser, parser, cleaner],
    () => {},
  ) as unknown as Readable;
  options.signal?.addEventListener('abort', () => records.destroy(), { once: true });
  return {
    records,
    format,
    bytesRead: () => bytesRead,
    blank: () => cleaner.blank,
    warnings: () => [
      ...(decoding.encodingDoubt ? [decoding.encodingDoubt] : []),
      ...cleaner.warnings,
    ],
    currentLine: () => parser.nextRecordLine,
  };
}

/**
 * The one file a zip archive holds (zip-archive.ts), read like an upload of its own but for its
 * `compression` and the bytes read, which are the archive's.
 */
async function openZip(options: RecordSourceOptions): Promise<RecordSource> {
  if (!options.randomAccess)
    throw new ImportFailure('A zip archive is read from the stored file as a whole.');
  const archive = await options.randomAccess();
  let bytesRead = 0;
  const counted: RandomAccessFile = {
    size: archive.size,
    read: async function* (start, end) {
      for await (const piece of archive.read(start, end)) {
        bytesRead += piece.length;
        yield piece;
      }
    },
  };
  const member = await openZipMember(counted, { maxBytes: options.maxBytes });
  if (member.kind === 'workbook') {
    bytesRead = 0;
    return openWorkbook(counted.read(0, archive.size), () => bytesRead, options.signal);
  }
  const inner = await openRecordSource(member.bytes, {
    maxBytes: options.maxBytes,
    signal: options.signal,
    archiveMember: member.name,
  });
  inner.format.compression = 'zip';
  const ignored =
    member.othersCount === 0
      ? []
      : [
          `Imported "${member.name}" from the zip archive; ${member.othersCount === 1 ? 'the other file in it was' : `the ${member.othersCount} other files in it were`} not: ${member.others.map((name) => `"${name}"`).join(', ')}${member.othersCount > member.others.length ? ', …' : ''}.`,
        ];
  return {
    ...inner,
    // The directory at the end was read first, a second time if the member's data reaches it.
    bytesRead: () => Math.min(bytesRead, archive.size),
    warnings: () => [...ignored, ...inner.warnings()],
  };
}

/** The first sheet with values of an .xlsx workbook, as records like a CSV file's (xlsx-records.ts). */
async function openWorkbook(
  stored: AsyncIterable<Buffer>,
  bytesRead: () => number,
  signal: AbortSignal | undefined,
): Promise<RecordSource> {
  const progress = { line: 1 };
  const sheets: SheetsRead = { others: [] };
  const rows = xlsxRecords(Readable.from(stored), progress, sheets);
  const first = await rows.next();
  if (first.done) throw new ImportFailure(emptyFile());
  const cleaner = new RecordCleaner({ problems: new Map(), invalidBytesIn: () => undefined });
  const records = pipeline(
    [
      Readable.from(
        (async function* () {
          yield first.value;
          yield* rows;
        })(),
      ),
      cleaner,
    ],
    () => {},
  ) as unknown as Readable;
  signal?.addEventListener('abort', () => records.destroy(), { once: true });
  return {
    records,
    // Cells, not delimited text: no character encoding or delimiter to report.
    format: { encoding: 'xlsx', delimiter: 'xlsx', compression: null },
    bytesRead,
    blank: () => cleaner.blank,
    warnings: () => [...sheetWarnings(sheets), ...cleaner.warnings],
    currentLine: () => progress.line,
  };
}

export const emptyFile = () => 'The file is empty: it needs a header line (sku,name,…) and rows.';

/**
 * Reads from `source` until at least `bytes` arrived (or it ended) without losing anything:
 * `all` yields those pieces again, then the rest. Errors of the source surface on either.
 */
async function peek(
  source: AsyncIterable<Buffer>,
  bytes: number,
): Promise<{ head: Buffer; ended: boolean; all: AsyncGenerator<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const pieces: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    pieces.push(next.value);
    length += next.value.length;
  }
  const all = (async function* () {
    try {
      yield* pieces;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  })();
  return { head: Buffer.concat(pieces, length), ended, all };
}
