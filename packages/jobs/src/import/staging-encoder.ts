import { Transform, type TransformCallback } from 'node:stream';
import type { CsvRecord } from './csv-records.ts';
import { CopyBatch, copyTextValue } from './copy-text.ts';
import { mapHeader, type HeaderMap } from './header.ts';
import { ImportFailure } from './import-failure.ts';
import { isInvalid, validateRow } from './validate-row.ts';

const INVALID_HEADER_ENCODING =
  'The file is not UTF-8 (its header line already holds invalid bytes; Excel "CSV" is often Windows-1252): save it as "CSV UTF-8" and upload it again.';

/** The staging table's columns, in the order the encoder writes them. */
export const STAGING_COLUMNS = ['line', 'sku', 'name', 'description', 'active', 'error'] as const;

/**
 * Turns parsed records into COPY text for the staging table: the first record is the header,
 * every other one a row, valid (error null) or not (error says why). Invalid rows travel in the
 * same COPY stream, since one connection runs one COPY at a time.
 */
export class StagingEncoder extends Transform {
  header: HeaderMap | undefined;
  rows = 0;
  invalid = 0;
  readonly #batch = new CopyBatch();
  readonly #sawInvalidUtf8: () => boolean;

  constructor(sawInvalidUtf8: () => boolean) {
    super({ writableObjectMode: true, readableObjectMode: false });
    this.#sawInvalidUtf8 = sawInvalidUtf8;
  }

  override _transform(record: CsvRecord, _encoding: BufferEncoding, callback: TransformCallback) {
    if (!this.header) {
      if (this.#sawInvalidUtf8() && record.fields.some((field) => field.includes('\uFFFD'))) {
        callback(new ImportFailure(INVALID_HEADER_ENCODING));
        return;
      }
      try {
        this.header = mapHeader(record.fields);
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback();
      return;
    }
    this.rows++;
    const row = validateRow(record.fields, this.header, this.#sawInvalidUtf8());
    let full: string | undefined;
    if (isInvalid(row)) {
      this.invalid++;
      full = this.#batch.add(
        `${record.line}\t${copyTextValue(row.sku)}\t\\N\t\\N\t\\N\t${copyTextValue(row.error)}\n`,
      );
    } else {
      // One template per row: this runs 500k times per file, so no intermediate arrays.
      full = this.#batch.add(
        `${record.line}\t${copyTextValue(row.sku)}\t${copyTextValue(row.name)}\t${copyTextValue(row.description)}\t${copyTextValue(row.active)}\t\\N\n`,
      );
    }
    callback(null, full);
  }

  override _flush(callback: TransformCallback): void {
    const rest = this.#batch.take();
    callback(null, rest === '' ? undefined : rest);
  }
}
