import { Transform, type TransformCallback } from 'node:stream';
import { RECORD_MARKER, type RecordProblem } from './csv-normaliser.ts';
import type { CsvRecord } from './csv-records.ts';
import { encodingLabel } from '@acme/shared';
import type { TextEncodingName } from './text-encoding.ts';

/** Repeated header lines named in the warning; the rest are counted. */
const NAMED_REPEATS = 5;

/**
 * The last step from file to records, on parsed records (the first is the header, passed on
 * as it is, less a BOM):
 * - maps fields of a single-byte file to its code page (`decodeField`);
 * - skips rows whose fields are all empty or white space, counting them (`blank`);
 * - skips rows that repeat the header (two exports pasted together), with a warning;
 * - turns the normaliser's markers back into the broken row, with its error and column;
 * - flags rows holding U+FFFD once the file was seen to hold bytes invalid in its encoding.
 */
export class RecordCleaner extends Transform {
  blank = 0;
  readonly repeatedHeaderLines: number[] = [];
  #header: string[] | undefined;
  #headerKeys: string[] = [];
  readonly #problems: ReadonlyMap<number, RecordProblem>;
  readonly #invalidBytesIn: () => TextEncodingName | undefined;
  #decodeField: ((field: string) => string) | undefined;

  constructor(options: {
    problems: ReadonlyMap<number, RecordProblem>;
    /** The file's encoding once it was seen to hold bytes invalid in it. */
    invalidBytesIn: () => TextEncodingName | undefined;
  }) {
    super({ objectMode: true });
    this.#problems = options.problems;
    this.#invalidBytesIn = options.invalidBytesIn;
  }

  /** From now on fields are latin1 and need mapping to the file's code page. */
  useFieldDecoder(decode: (field: string) => string): void {
    this.#decodeField = decode;
  }

  /** Warnings about the file's records, for the import's list. */
  get warnings(): string[] {
    const lines = this.repeatedHeaderLines;
    if (lines.length === 0) return [];
    const named = lines
      .slice(0, NAMED_REPEATS)
      .map((line) => line.toLocaleString('en'))
      .join(', ');
    const more = lines.length > NAMED_REPEATS ? ` and ${lines.length - NAMED_REPEATS} more` : '';
    return [
      `Skipped ${lines.length === 1 ? 'a row that repeats' : `${lines.length} rows that repeat`} the header (line ${named}${more}); were two files pasted together?`,
    ];
  }

  override _transform(record: CsvRecord, _encoding: BufferEncoding, callback: TransformCallback) {
    const first = record.fields[0];
    if (first !== undefined && first.startsWith(RECORD_MARKER)) {
      callback(null, this.#broken(record.line, first));
      return;
    }
    const fields = this.#decodeField ? record.fields.map(this.#decodeField) : record.fields;
    if (!this.#header) {
      if (fields[0] !== undefined) fields[0] = withoutBom(fields[0]);
      this.#header = fields;
      this.#headerKeys = fields.map(headerKey);
      callback(null, { line: record.line, fields });
      return;
    }
    if (isBlank(fields)) {
      this.blank++;
      callback();
      return;
    }
    if (this.#repeatsHeader(fields)) {
      this.repeatedHeaderLines.push(record.line);
      callback();
      return;
    }
    const invalidIn = this.#invalidBytesIn();
    if (invalidIn !== undefined && fields.some((field) => field.includes('\uFFFD'))) {
      const label = encodingLabel(invalidIn);
      callback(null, {
        line: record.line,
        fields,
        error: `invalid ${label}: this row holds bytes of another encoding while the rest of the file is ${label}; fix the row or save the file as "CSV UTF-8"`,
      } satisfies CsvRecord);
      return;
    }
    callback(
      null,
      (record.inexactNumbers
        ? { line: record.line, fields, inexactNumbers: record.inexactNumbers }
        : { line: record.line, fields }) satisfies CsvRecord,
    );
  }

  #repeatsHeader(fields: readonly string[]): boolean {
    const keys = this.#headerKeys;
    if (fields.length !== keys.length) return false;
    // Cheap rejection first (this runs for every row): the first field's length.
    const first = fields[0]!.length - keys[0]!.length;
    if (first < 0 || first > 16) return false;
    for (let i = 0; i < keys.length; i++) if (headerKey(fields[i]!) !== keys[i]) return false;
    return true;
  }

  #broken(line: number, marker: string): CsvRecord {
    const id = Number.parseInt(marker.slice(RECORD_MARKER.length), 10);
    const problem = this.#problems.get(id);
    if (!problem) return { line, fields: [], error: 'the row cannot be read' };
    const fields = this.#decodeField ? problem.fields.map(this.#decodeField) : problem.fields;
    const column =
      problem.column === null
        ? ''
        : `column ${problem.column + 1}${this.#header?.[problem.column] ? ` ("${this.#header[problem.column]?.trim()}")` : ''}: `;
    return { line, fields, error: `${column}${problem.reason}` };
  }
}

function isBlank(fields: readonly string[]): boolean {
  for (const field of fields) if (field !== '' && field.trim() !== '') return false;
  return true;
}

/** Without a UTF-8 BOM, as a UTF-8 or a single-byte file shows it. */
const withoutBom = (field: string) =>
  field.charCodeAt(0) === 0xfeff
    ? field.slice(1)
    : field.startsWith('\u00EF\u00BB\u00BF')
      ? field.slice(3)
      : field;

const headerKey = (field: string) => withoutBom(field).trim().toLowerCase();
