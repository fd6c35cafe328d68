import { Transform, type TransformCallback } from 'node:stream';
import type { TActiveColumnValue, TColumnMapping } from '@acme/shared';
import type { CsvRecord } from './file/csv-records.ts';
import { CopyBatch, copyTextValue } from './copy-text.ts';
import { missingColumnsFailure, type HeaderMap } from './header.ts';
import { ActiveValueTally } from './mapping/active-value-tally.ts';
import { ACTIVE_WORDS } from './mapping/active-values.ts';
import { ImportFailure, MappingNeeded } from './import-failure.ts';
import { planMapping, type MappingPlan } from './mapping/plan.ts';
import { headerSignature } from './mapping/remembered.ts';
import { createRowMapper, type RowMapper } from './mapping/row-mapper.ts';
import { isTitleLine, MAX_TITLE_LINES, titleLinesWarning } from './file/title-lines.ts';
import { isInvalid, skuOf } from './validate-row.ts';

/** The staging table's columns, in the order the encoder writes them. */
/** A workbook's SKU cell holding a number of more than 15 digits (csv-records.ts, inexactNumbers). */
const INEXACT_SKU =
  'sku is a number of more than 15 digits, and spreadsheets keep only 15: its last digits are not the ones typed; format the SKU column as Text and enter these SKUs again';

export const STAGING_COLUMNS = ['line', 'sku', 'name', 'description', 'active', 'error'] as const;

export interface StagingEncoderOptions {
  /** The mapping the user gave (upload or review): applied over everything else. */
  mapping?: TColumnMapping | null;
  /** Looks up the mapping remembered for a header signature (used when none is given). */
  remembered?: (signature: string) => Promise<TColumnMapping | null>;
  /**
   * The import stops for review: when sku or name cannot be mapped, end with `MappingNeeded`
   * (the user maps them) instead of failing.
   */
  review?: boolean;
  /** Called once the header is read and its mapping planned, before any row (e.g. to store it). */
  onPlan?: (plan: MappingPlan, columns: string[]) => Promise<void> | void;
}

/**
 * Turns records into COPY text for the staging table: the first record is the header (after any
 * title lines above it, file/title-lines.ts), planned into a mapping (given, remembered, a shop export's, or matched), every other one a row, valid
 * (error null) or not (error says why: the record source's, or the row rules'). Invalid rows
 * travel in the same COPY stream, since one connection runs one COPY at a time. Rows a shop
 * export means as no product (Shopify's image rows) are counted as `blank`.
 */
export class StagingEncoder extends Transform {
  header: HeaderMap | undefined;
  /** The header's names, trimmed. */
  columns: string[] | undefined;
  plan: MappingPlan | undefined;
  /** Rows staged, valid or invalid. */
  rows = 0;
  invalid = 0;
  /** Rows skipped as describing no product (beside the record source's blank rows). */
  blank = 0;
  readonly #options: StagingEncoderOptions;
  readonly #batch = new CopyBatch();
  #mapper: RowMapper | undefined;
  /** The active column's values (absent: the mapping has no active column). */
  #activeValues: ActiveValueTally | undefined;

  constructor(options: StagingEncoderOptions = {}) {
    super({ writableObjectMode: true, readableObjectMode: false });
    this.#options = options;
  }

  /** Title lines read while looking for the header (file/title-lines.ts). */
  #titles: CsvRecord[] = [];

  override _transform(record: CsvRecord, _encoding: BufferEncoding, callback: TransformCallback) {
    if (this.#mapper) {
      callback(null, this.#encode(this.#mapper, record));
      return;
    }
    if (!record.error && isTitleLine(record.fields) && this.#titles.length < MAX_TITLE_LINES) {
      this.#titles.push(record);
      callback();
      return;
    }
    if (this.#titles.length === MAX_TITLE_LINES && isTitleLine(record.fields)) {
      // No header below the first lines: the first record is the header, as in any file.
      this.#headerFromFirstRecord([record]).then((text) => callback(null, text), callback);
      return;
    }
    const titles = this.#titles;
    this.#titles = [];
    this.#readHeader(record.fields).then(() => {
      if (titles.length > 0) this.header!.warnings.unshift(titleLinesWarning(titles));
      callback();
    }, callback);
  }

  override _flush(callback: TransformCallback): void {
    const finish = (text?: string) => {
      const rest = (text ?? '') + this.#batch.take();
      callback(null, rest === '' ? undefined : rest);
    };
    if (!this.#mapper && this.#titles.length > 0) {
      // The file ended among lines of one cell each: its first line is the header.
      this.#headerFromFirstRecord([]).then(finish, callback);
      return;
    }
    finish();
  }

  /** Reads the first title line as the header and the others (then `more`) as rows. */
  async #headerFromFirstRecord(more: CsvRecord[]): Promise<string | undefined> {
    const [first, ...rows] = [...this.#titles, ...more];
    this.#titles = [];
    await this.#readHeader(first!.fields);
    let text = '';
    for (const row of rows) text += this.#encode(this.#mapper!, row) ?? '';
    return text || undefined;
  }

  /** The active column's distinct values and how the mapping reads them (empty without one). */
  activeValues(): { values: TActiveColumnValue[]; more: boolean } {
    return { values: this.#activeValues?.list() ?? [], more: this.#activeValues?.more ?? false };
  }

  /** A row's COPY text when the batch is full (to pass on), else undefined (kept for later). */
  #encode(mapper: RowMapper, record: CsvRecord): string | undefined {
    if (!record.error) this.#activeValues?.add(record.fields);
    const row = record.error
      ? { sku: skuOf(record.fields, mapper.header), error: record.error }
      : record.inexactNumbers?.includes(mapper.header.sku)
        ? { sku: skuOf(record.fields, mapper.header), error: INEXACT_SKU }
        : mapper.map(record.fields);
    if (row === null) {
      this.blank++;
      return undefined;
    }
    this.rows++;
    if (isInvalid(row)) {
      this.invalid++;
      return this.#batch.add(
        `${record.line}\t${copyTextValue(row.sku)}\t\\N\t\\N\t\\N\t${copyTextValue(row.error)}\n`,
      );
    }
    // One template per row: this runs 500k times per file, so no intermediate arrays.
    return this.#batch.add(
      `${record.line}\t${copyTextValue(row.sku)}\t${copyTextValue(row.name)}\t${copyTextValue(row.description)}\t${copyTextValue(row.active)}\t\\N\n`,
    );
  }

  async #readHeader(fields: string[]): Promise<void> {
    // Header names are stored (warnings, mappings, messages), and PostgreSQL text cannot hold NUL
    const nul = fields.findIndex((field) => field.includes('\0'));
    if (nul !== -1)
      throw new ImportFailure(
        `The header row holds a NUL character (an invisible zero byte) in column ${nul + 1}; delete it and upload the file again.`,
      );
    const columns = fields.map((field) => field.trim());
    const { mapping, remembered, review, onPlan } = this.#options;
    const known = mapping ? null : ((await remembered?.(headerSignature(columns))) ?? null);
    const plan = planMapping(columns, { given: mapping, remembered: known });
    this.columns = columns;
    this.plan = plan;
    await onPlan?.(plan, columns);
    if (!plan.mapping) {
      if (review) throw new MappingNeeded(columns, plan.suggestions, plan.profile);
      throw missingColumnsFailure(fields, plan.suggestions);
    }
    this.#mapper = createRowMapper(fields, plan.mapping, plan.profile);
    this.header = this.#mapper.header;
    const { active, width, activeValues } = this.header;
    if (active !== -1)
      this.#activeValues = new ActiveValueTally(active, width, activeValues ?? ACTIVE_WORDS);
  }
}
