import { Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { ImportFailure } from '../import-failure.ts';
import type { Dialect } from './dialect.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Finds the next LF, CR, quote or backslash from a position, remembering each answer: searches
 * only move forward, so every byte is looked at once per kind however many records there are.
 */
class Finder {
  readonly buf: Buffer;
  readonly #from = new Map<number, number>();
  readonly #found = new Map<number, number>();
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  next(byte: number, from: number): number {
    const found = this.#found.get(byte);
    if (found !== undefined && from >= this.#from.get(byte)! && (found === -1 || found >= from))
      return found;
    const next = this.buf.indexOf(byte, from);
    this.#from.set(byte, from);
    this.#found.set(byte, next);
    return next;
  }
  lineEnd(from: number): number {
    const lf = this.next(LF, from);
    const cr = this.next(CR, from);
    if (cr === -1) return lf;
    if (lf === -1) return cr;
    return Math.min(lf, cr);
  }
  /** Line breaks in `[from, to)`: LF, CRLF and a lone CR each count one. */
  lineBreaks(from: number, to: number): number {
    let lines = 0;
    let i = from;
    for (;;) {
      const lineEnd = this.lineEnd(i);
      if (lineEnd === -1 || lineEnd >= to) return lines;
      lines++;
      i =
        lineEnd +
        (this.buf[lineEnd] === CR && this.buf[lineEnd + 1] === LF && lineEnd + 1 < to ? 2 : 1);
    }
  }
}

/** What is wrong with a record the normaliser replaced by a marker (see RECORD_MARKER). */
export interface RecordProblem {
  /** Why the row cannot be read, naming the column where that is known. */
  reason: string;
  /** 0-based field where the problem is, when known. */
  column: number | null;
  /** The record's fields as far as they can be told apart (for its SKU in the error list). */
  fields: string[];
}

/**
 * A record the parser meets in place of a broken one: one quoted field starting with these two
 * bytes, then the problem's id, then as many line breaks as the broken record spanned, so the
 * parser's line numbers stay those of the file.
 */
export const RECORD_MARKER = '\u0000\u0001';

/** A quoted field that runs over more lines than this without closing is a runaway quote. */
const RUNAWAY_LINES = 1_000;
/** How far past a stray quote to look for the quote that closes its field. */
const LOOKAHEAD_BYTES = 65_536;
/** Bytes of an oversized record kept to tell its SKU. */
const OVERSIZED_PREFIX_BYTES = 4_096;

interface Edit {
  at: number;
  remove: number;
  insert: string;
}

type Scan =
  | { complete: true; end: number; edits: Edit[]; problem?: Omit<RecordProblem, 'fields'> }
  | { complete: false; quoted: boolean; at: number };

/**
 * Turns the delimited text that spreadsheets, shops and hand-written exporters produce into
 * strict RFC 4180 for the parser, record by record, reading broken quoting the way its writer
 * meant where that is unambiguous (docs/contract.md section 2):
 * - spaces before an opening quote or after a closing one are dropped (`a, "b, c"`);
 * - `\"` and `\\` become `""` and `\` in a file that escapes with backslashes (dialect);
 * - a quote inside a quoted field that is not doubled (`"27" screen"`) is taken literally when the
 *   field still closes at a delimiter or line end on the same line;
 * - a quote that leaves its field ambiguous, or a record over `maxRecordBytes` (the cap that
 *   keeps memory flat), is replaced by a marker record carrying the problem (`problems`), so
 *   that row alone is invalid, with its line and column; the parser resumes after it;
 * - a quote never closed (the rest of the file, or over 1,000 lines) fails the file naming its line.
 * Clean records pass through without copying; only edited ones are rebuilt.
 */
export class CsvNormaliser extends Transform {
  readonly problems = new Map<number, RecordProblem>();
  readonly #delimiter: number;
  readonly #backslash: boolean;
  readonly #maxRecordBytes: number;
  #tail: Buffer = Buffer.alloc(0);
  /** 1-based line on which the next record starts. */
  #line = 1;
  /** An oversized record being skipped: its state, what it spans so far. */
  #oversized:
    | {
        quoted: boolean;
        line: number;
        lines: number;
        prefix: Buffer;
        bytes: number;
        pendingCr: boolean;
      }
    | undefined;
  #nextProblem = 0;

  constructor(dialect: Dialect, options: { maxRecordBytes: number }) {
    super();
    this.#delimiter = dialect.delimiter.charCodeAt(0);
    this.#backslash = dialect.backslashEscapes;
    this.#maxRecordBytes = options.maxRecordBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#process(this.#tail.length > 0 ? Buffer.concat([this.#tail, chunk]) : chunk, false);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#process(this.#tail, true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #process(buf: Buffer, end: boolean): void {
    const find = new Finder(buf);
    let pos = 0;
    if (this.#oversized) {
      pos = this.#skipOversized(find, 0, end);
      if (this.#oversized) {
        this.#tail = Buffer.alloc(0);
        return;
      }
    }
    let clean = pos;
    while (pos < buf.length) {
      const scan = this.#scanRecord(find, pos, end);
      if (!scan.complete) {
        if (buf.length - pos > this.#maxRecordBytes) {
          if (clean < pos) this.push(buf.subarray(clean, pos));
          this.#oversized = {
            quoted: scan.quoted,
            line: this.#line,
            lines: find.lineBreaks(pos, scan.at),
            prefix: Buffer.from(buf.subarray(pos, pos + OVERSIZED_PREFIX_BYTES)),
            bytes: scan.at - pos,
            pendingCr: false,
          };
          pos = this.#skipOversized(find, scan.at, end);
          clean = pos;
          if (this.#oversized) {
            this.#tail = Buffer.alloc(0);
            return;
          }
          continue;
        }
        break;
      }
      const lines = find.lineBreaks(pos, scan.end);
      if (scan.end - pos > this.#maxRecordBytes) {
        // Arrived whole in one piece: still one row's error, not the parser's memory.
        if (clean < pos) this.push(buf.subarray(clean, pos));
        this.#pushMarker(
          {
            column: null,
            reason: tooLarge(this.#maxRecordBytes, scan.end - pos),
            fields: approximateFields(
              buf.subarray(pos, pos + OVERSIZED_PREFIX_BYTES),
              this.#delimiter,
            ),
          },
          lines - terminatorLines(buf, scan.end),
          buf,
          scan.end,
        );
        clean = scan.end;
      } else if (scan.problem) {
        if (clean < pos) this.push(buf.subarray(clean, pos));
        const fields = approximateFields(buf.subarray(pos, scan.end), this.#delimiter);
        this.#pushMarker(
          { ...scan.problem, fields },
          lines - terminatorLines(buf, scan.end),
          buf,
          scan.end,
        );
        clean = scan.end;
      } else if (scan.edits.length > 0) {
        if (clean < pos) this.push(buf.subarray(clean, pos));
        this.push(applyEdits(buf, pos, scan.end, scan.edits));
        clean = scan.end;
      }
      this.#line += lines;
      pos = scan.end;
    }
    if (clean < pos) this.push(buf.subarray(clean, pos));
    this.#tail = pos < buf.length ? Buffer.from(buf.subarray(pos)) : Buffer.alloc(0);
    if (end && this.#tail.length > 0) throw new Error('normaliser left bytes unread at the end');
  }

  /** Replaces a record by a marker spanning `innerLines` line breaks plus the record's own end. */
  #pushMarker(problem: RecordProblem, innerLines: number, buf: Buffer, end: number): void {
    const id = this.#nextProblem++;
    this.problems.set(id, problem);
    const terminator = buf.subarray(end - terminatorLength(buf, end), end);
    this.push(`"${RECORD_MARKER}${id}${'\n'.repeat(Math.max(0, innerLines))}"`);
    if (terminator.length > 0) this.push(terminator);
  }

  /**
   * One record from `start`: where it ends (after its line break), and what to edit, or that the
   * buffer ends first (with the quote state at the point reached).
   */
  #scanRecord(find: Finder, start: number, end: boolean): Scan {
    const buf = find.buf;
    const delimiter = this.#delimiter;
    const edits: Edit[] = [];
    let problem: Omit<RecordProblem, 'fields'> | undefined;
    let i = start;
    for (;;) {
      // Unquoted: the next quote or line break.
      const quote = find.next(QUOTE, i);
      const lineEnd = find.lineEnd(i);
      if (lineEnd !== -1 && (quote === -1 || lineEnd < quote)) {
        if (buf[lineEnd] === CR && lineEnd + 1 === buf.length && !end)
          return { complete: false, quoted: false, at: lineEnd };
        return { complete: true, end: lineEnd + terminatorAt(buf, lineEnd), edits, problem };
      }
      if (quote === -1) {
        if (!end) return { complete: false, quoted: false, at: buf.length };
        return { complete: true, end: buf.length, edits, problem };
      }
      // A quote opens a field only at its start (spaces before it are the writer's slip).
      let k = quote - 1;
      while (k >= start && isBlank(buf[k]!, delimiter)) k--;
      if (!(k < start || buf[k] === delimiter)) {
        i = quote + 1; // a quote inside an unquoted field: kept as written
        continue;
      }
      if (k + 1 < quote) edits.push({ at: k + 1, remove: quote - k - 1, insert: '' });
      // Quoted: up to the quote that closes the field.
      let p = quote + 1;
      for (;;) {
        const close = find.next(QUOTE, p);
        if (this.#backslash) {
          const escape = find.next(BACKSLASH, p);
          if (escape !== -1 && (close === -1 || escape < close)) {
            if (escape + 1 >= buf.length) {
              if (!end) return { complete: false, quoted: true, at: escape };
              p = escape + 1;
              continue;
            }
            const next = buf[escape + 1];
            if (next === QUOTE) edits.push({ at: escape, remove: 1, insert: '"' });
            else if (next === BACKSLASH) edits.push({ at: escape, remove: 1, insert: '' });
            p = escape + 2;
            continue;
          }
        }
        if (close === -1) {
          if (!end) return { complete: false, quoted: true, at: buf.length };
          throw this.#unclosedAt(this.#line + find.lineBreaks(start, quote));
        }
        if (close + 1 >= buf.length && !end) return { complete: false, quoted: true, at: close };
        const next = buf[close + 1];
        if (!this.#backslash && next === QUOTE) {
          p = close + 2;
          continue;
        }
        const after = closesField(buf, close, delimiter);
        if (after === 'more' && !end) return { complete: false, quoted: true, at: close };
        if (after !== false) {
          if (typeof after === 'number' && after > close + 1)
            edits.push({ at: close + 1, remove: after - close - 1, insert: '' });
          i = typeof after === 'number' ? after : close + 1;
          break;
        }
        // A quote inside the field that is neither doubled nor closing it.
        const closing = this.#closingOnSameLine(find, close + 1, end);
        if (closing === 'more') return { complete: false, quoted: true, at: close };
        if (closing !== undefined) {
          for (const stray of closing.strays) edits.push({ at: stray, remove: 0, insert: '"' });
          edits.push({ at: close, remove: 0, insert: '"' });
          p = closing.at;
          continue; // the closing quote itself is handled above on the next turn
        }
        problem ??= {
          column: fieldIndex(buf, start, close, delimiter),
          reason: `a quote inside a quoted field is followed by ${describeByte(next)} instead of the delimiter; quotes inside a quoted field must be doubled ("")`,
        };
        i = close + 1; // read on as the parser does: the field went unquoted at this quote
        break;
      }
    }
  }

  /**
   * Past a stray quote at `from - 1`: the quote on the same line that closes the field (followed
   * by a delimiter or line end), with the stray quotes before it; undefined when the line ends
   * (or LOOKAHEAD_BYTES pass) first; 'more' when the buffer ends first.
   */
  #closingOnSameLine(
    find: Finder,
    from: number,
    end: boolean,
  ): { at: number; strays: number[] } | undefined | 'more' {
    const buf = find.buf;
    const strays: number[] = [];
    const limit = from + LOOKAHEAD_BYTES;
    let p = from;
    const lineEnd = find.lineEnd(from);
    for (;;) {
      const quote = find.next(QUOTE, p);
      if (quote === -1 || (lineEnd !== -1 && lineEnd < quote) || quote > limit) {
        if (lineEnd === -1 && !end && buf.length < limit) return 'more';
        return undefined;
      }
      if (quote + 1 >= buf.length && !end) return 'more';
      if (!this.#backslash && buf[quote + 1] === QUOTE) {
        p = quote + 2;
        continue;
      }
      const after = closesField(buf, quote, this.#delimiter);
      if (after === 'more') return end ? { at: quote, strays } : 'more';
      if (after !== false) return { at: quote, strays };
      strays.push(quote);
      p = quote + 1;
    }
  }

  /** Goes on through an oversized record from `at`; returns where the next record starts. */
  #skipOversized(find: Finder, at: number, end: boolean): number {
    const buf = find.buf;
    const state = this.#oversized!;
    let i = at;
    while (i < buf.length) {
      if (state.pendingCr) {
        state.pendingCr = false;
        if (!state.quoted) return this.#endOversized(buf, i + (buf[i] === LF ? 1 : 0));
      }
      if (state.quoted) {
        const close = find.next(QUOTE, i);
        const stop = close === -1 ? buf.length : close;
        state.lines += find.lineBreaks(i, stop);
        state.bytes += stop - i;
        if (state.lines > RUNAWAY_LINES) throw this.#runaway(state.line, state.lines);
        if (close === -1) return buf.length;
        if (buf[close + 1] === QUOTE && !this.#backslash) {
          i = close + 2;
          continue;
        }
        state.quoted = buf[close - 1] === BACKSLASH && this.#backslash;
        i = close + 1;
        continue;
      }
      const lineEnd = find.lineEnd(i);
      const quote = find.next(QUOTE, i);
      if (lineEnd !== -1 && (quote === -1 || lineEnd < quote)) {
        state.bytes += lineEnd - i;
        if (buf[lineEnd] === CR) {
          if (lineEnd + 1 >= buf.length) {
            state.pendingCr = true;
            return buf.length;
          }
          return this.#endOversized(buf, lineEnd + (buf[lineEnd + 1] === LF ? 2 : 1));
        }
        return this.#endOversized(buf, lineEnd + 1);
      }
      if (quote === -1) {
        state.bytes += buf.length - i;
        return buf.length;
      }
      const previous = buf[quote - 1];
      state.quoted = previous === undefined || previous === this.#delimiter;
      i = quote + 1;
    }
    if (end) {
      if (state.quoted) throw this.#unclosedAt(state.line);
      return this.#endOversized(buf, buf.length);
    }
    return buf.length;
  }

  #endOversized(buf: Buffer, next: number): number {
    const state = this.#oversized!;
    this.#oversized = undefined;
    const id = this.#nextProblem++;
    this.problems.set(id, {
      column: null,
      reason: tooLarge(this.#maxRecordBytes, state.bytes),
      fields: approximateFields(state.prefix, this.#delimiter),
    });
    this.push(`"${RECORD_MARKER}${id}${'\n'.repeat(state.lines)}"\n`);
    this.#line = state.line + state.lines + 1;
    return next;
  }

  #unclosedAt(line: number): ImportFailure {
    return new ImportFailure(
      `Unclosed quote: the quoted field starting on line ${line} is never closed, so the rest of the file cannot be read.`,
    );
  }

  #runaway(line: number, lines: number): ImportFailure {
    return new ImportFailure(
      `Unclosed quote: the quoted field starting on line ${line} runs on for over ${lines.toLocaleString('en')} lines; most likely its quote is never closed. Fix that line and upload the file again.`,
    );
  }
}

/** After the quote at `close`: where the field ends (the delimiter or line end, past blanks), false if other text follows, 'more' if the buffer ends first. */
function closesField(buf: Buffer, close: number, delimiter: number): number | false | 'more' {
  let k = close + 1;
  while (k < buf.length && isBlank(buf[k]!, delimiter)) k++;
  if (k >= buf.length) return 'more';
  const byte = buf[k];
  return byte === delimiter || byte === LF || byte === CR ? k : false;
}

const isBlank = (byte: number, delimiter: number) =>
  (byte === SPACE || byte === TAB) && byte !== delimiter;

/** Length of the line break at `at` (CRLF 2, LF or CR 1). */
function terminatorAt(buf: Buffer, at: number): number {
  return buf[at] === CR && buf[at + 1] === LF ? 2 : 1;
}

/** Length of the line break that ends just before `end`, 0 if none. */
function terminatorLength(buf: Buffer, end: number): number {
  if (buf[end - 1] === LF) return buf[end - 2] === CR ? 2 : 1;
  return buf[end - 1] === CR ? 1 : 0;
}

const terminatorLines = (buf: Buffer, end: number) => (terminatorLength(buf, end) > 0 ? 1 : 0);

/** The 0-based field of the record starting at `start` that position `at` is in. */
function fieldIndex(buf: Buffer, start: number, at: number, delimiter: number): number {
  let field = 0;
  let quoted = false;
  let fieldStart = true;
  for (let i = start; i < at; i++) {
    const byte = buf[i];
    if (quoted) {
      if (byte === QUOTE) quoted = false;
    } else if (byte === delimiter) {
      field++;
      fieldStart = true;
    } else if (byte === QUOTE && fieldStart) quoted = true;
    else if (byte !== SPACE) fieldStart = false;
  }
  return field;
}

/** A broken record's fields as well as they can be told apart, for its SKU. */
function approximateFields(record: Buffer, delimiter: number): string[] {
  const separator = String.fromCharCode(delimiter);
  try {
    const rows: string[][] = parse(record, {
      delimiter: separator,
      relax_quotes: true,
      relax_column_count: true,
      to: 1,
    });
    return (rows[0] ?? []).map((field) => field.slice(0, 1_000));
  } catch {
    // The fields before the first quote are plain text (an oversized record's prefix ends anywhere).
    const text = record.toString('utf8');
    const quote = text.indexOf('"');
    const fields = (quote === -1 ? text : text.slice(0, quote)).split(separator);
    return fields.slice(0, -1).map((field) => field.slice(0, 1_000));
  }
}

function applyEdits(buf: Buffer, start: number, end: number, edits: readonly Edit[]): Buffer {
  const parts: Buffer[] = [];
  let at = start;
  for (const edit of [...edits].sort((a, b) => a.at - b.at)) {
    parts.push(buf.subarray(at, edit.at));
    if (edit.insert !== '') parts.push(Buffer.from(edit.insert, 'latin1'));
    at = edit.at + edit.remove;
  }
  parts.push(buf.subarray(at, end));
  return Buffer.concat(parts);
}

function describeByte(byte: number | undefined): string {
  if (byte === undefined) return 'the end of the file';
  if (byte < 0x20 || byte >= 0x7f) return 'a character';
  return `"${String.fromCharCode(byte)}"`;
}

const tooLarge = (limit: number, bytes: number) =>
  `the row is larger than ${formatBytes(limit)} (${formatBytes(bytes)}), too large to read; a pasted image or file in a cell, most likely`;

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}
