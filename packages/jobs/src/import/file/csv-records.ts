import { Parser } from 'csv-parse';
import type { Dialect } from './dialect.ts';

/** One record of the file and the 1-based physical line on which it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the row cannot be read as its writer meant (broken quoting, too large, bad bytes). */
  error?: string;
  /**
   * Columns (0-based) of a workbook row whose cell is a number over 15 digits: a spreadsheet keeps
   * 15 significant digits, so such a code (an 18-digit id typed as a number) has lost its last
   * digits; a SKU column holding one costs the row (staging-encoder.ts).
   */
  inexactNumbers?: number[];
}

/**
 * csv-parse in its fast mode (arrays, no `columns`, no `info`/`raw` snapshots), tagging each
 * record with its starting line. csv-parse counts every line break (quoted ones included) in
 * `this.info.lines`, which, at the moment a record is pushed, is the line the record ends on; the
 * start is that minus the line breaks inside its fields (corrected for csv-parse counting a
 * quoted CRLF twice). Reading the counter there costs nothing,
 * where `info: true` copies the info object for every record (~10 % of parse time).
 * It reads strict RFC 4180 (what CsvNormaliser hands it) in the dialect's delimiter; empty lines
 * come out as records (blank rows are counted, not dropped).
 */
export class LineNumberedCsvParser extends Parser {
  /** Where the record currently being read started, for error messages about it. */
  nextRecordLine = 1;
  #crlfInFields = 0;

  constructor(
    dialect: Pick<Dialect, 'delimiter' | 'sepLine'>,
    options: { maxRecordChars: number },
  ) {
    super({
      bom: true,
      delimiter: dialect.delimiter,
      from_line: dialect.sepLine ? 2 : 1,
      // all three, so a file mixing line endings (concatenated exports) still splits right
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true, // a wrong number of fields is an invalid row, not a fatal error
      relax_quotes: true, // keep `5" screen` as written instead of failing the file
      max_record_size: options.maxRecordChars,
      encoding: 'utf8',
    });
  }

  /**
   * From now on fields are decoded byte for byte (latin1), to be mapped to the file's code page:
   * called before the first non-ASCII byte of a single-byte file reaches the parser.
   */
  decodeFieldsAsLatin1(): void {
    this.options.encoding = 'latin1';
  }

  override push(record: unknown): boolean {
    if (record === null) return super.push(null);
    const fields = record as string[];
    const breaks = countLineBreaks(fields);
    // csv-parse counts a CRLF inside a quoted field as two lines (as a record delimiter, once).
    this.#crlfInFields += breaks.crlf;
    const endLine = this.info.lines - this.#crlfInFields;
    this.nextRecordLine = endLine + 1;
    return super.push({ line: endLine - breaks.lines, fields } satisfies CsvRecord);
  }
}

/** Line breaks inside a record's fields: CRLF, LF and a lone CR each end one line. */
function countLineBreaks(fields: readonly string[]): { lines: number; crlf: number } {
  let lines = 0;
  let crlf = 0;
  for (const field of fields) {
    if (!field.includes('\n') && !field.includes('\r')) continue;
    for (let i = 0; i < field.length; i++) {
      const code = field.charCodeAt(i);
      if (code === 10) lines++;
      else if (code === 13) {
        if (field.charCodeAt(i + 1) === 10) crlf++;
        else lines++;
      }
    }
  }
  return { lines, crlf };
}
