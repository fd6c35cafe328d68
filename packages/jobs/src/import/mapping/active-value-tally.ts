import { ACTIVE_VALUES_LISTED, type TActiveColumnValue } from '@acme/shared';
import { activeKey } from './active-values.ts';

/**
 * Counts the distinct values of a file's active column while its rows are staged, so the review
 * can show them and which ones the mapping does not understand (for `mapping.activeValues`).
 * Values compare as the row rules compare them (trimmed, case-insensitive) and keep their first
 * spelling; empty cells say nothing and are left out. At most `ACTIVE_VALUES_LISTED` are kept:
 * a column with more is rarely a yes/no column, and `more` says so.
 */
export class ActiveValueTally {
  readonly #column: number;
  readonly #width: number;
  readonly #reads: ReadonlyMap<string, boolean>;
  readonly #values = new Map<string, { value: string; rows: number }>();
  more = false;

  /** `column` is the active column's index, `width` the header's; `reads` maps a value as the rows read it. */
  constructor(column: number, width: number, reads: ReadonlyMap<string, boolean>) {
    this.#column = column;
    this.#width = width;
    this.#reads = reads;
  }

  /** Counts one record's active cell (a record of the wrong width is invalid anyway). */
  add(fields: readonly string[]): void {
    if (fields.length !== this.#width) return;
    const value = (fields[this.#column] ?? '').trim();
    if (value === '') return;
    const key = activeKey(value);
    const seen = this.#values.get(key);
    if (seen) seen.rows++;
    else if (this.#values.size < ACTIVE_VALUES_LISTED) this.#values.set(key, { value, rows: 1 });
    else this.more = true;
  }

  /** The values, most rows first, each with how the mapping reads it (null: not understood). */
  list(): TActiveColumnValue[] {
    return [...this.#values]
      .map(([key, { value, rows }]) => ({ value, rows, active: this.#reads.get(key) ?? null }))
      .sort((a, b) => b.rows - a.rows || a.value.localeCompare(b.value));
  }
}
