import { Transform, type TransformCallback } from 'node:stream';
import type { CsvRecord } from './file/csv-records.ts';
import { CopyBatch, copyTextValue } from './copy-text.ts';
import { mapHeader, type HeaderMap } from './header.ts';
import { isInvalid, skuOf, validateRow } from './validate-row.ts';

/** The staging table's columns, in the order the encoder writes them. */
export const STAGING_COLUMNS = ['line', 'sku', 'name', 'description', 'active', 'error'] as const;

/**
 * Turns records into COPY text for the staging table: the first record is the header, every
 * other one a row, valid (error null) or not (error says why: the record source's, or the
 * row rules'). Invalid rows travel in the same COPY stream, since one connection runs one COPY
 * at a time.
 */
export class StagingEncoder extends Transform {
  header: HeaderMap | undefined;
  rows = 0;
  invalid = 0;
  readonly #batch = new CopyBatch();

  constructor() {
    super({ writableObjectMode: true, readableObjectMode: false });
  }

  override _transform(record: CsvRecord, _encoding: BufferEncoding, callback: TransformCallback) {
    if (!this.header) {
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
    const row = record.error
      ? { sku: skuOf(record.fields, this.header), error: record.error }
      : validateRow(record.fields, this.header);
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
