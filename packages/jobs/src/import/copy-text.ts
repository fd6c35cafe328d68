const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in PostgreSQL's COPY text format; `null` becomes `\N`. */
export function copyTextValue(value: string | boolean | number | null): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (c) => ESCAPED[c] ?? c) : value;
}

/**
 * Collects COPY text lines and hands them out in ~64 KiB pieces: one write per row to the COPY
 * stream costs ~2x the time of the COPY phase (docs/performance.md).
 */
export class CopyBatch {
  readonly #limit: number;
  #lines: string[] = [];
  #length = 0;

  constructor(limit = 65_536) {
    this.#limit = limit;
  }

  /** Adds one row (a COPY text line, `\n` included); returns a full batch when the limit is reached. */
  add(line: string): string | undefined {
    this.#lines.push(line);
    this.#length += line.length;
    return this.#length >= this.#limit ? this.take() : undefined;
  }

  /** What is collected so far (possibly empty). */
  take(): string {
    const text = this.#lines.join('');
    this.#lines = [];
    this.#length = 0;
    return text;
  }
}
