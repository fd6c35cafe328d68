import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A rich text shared string as exceljs gives it. */
export interface RichText {
  richText: { text?: string | null }[];
}

/** The table's text is stored in blocks of this size: growing never copies it. */
const BLOCK = 1 << 20;

/**
 * A workbook's shared strings table (the text cells point into it by index), kept as UTF-8 bytes
 * in 1 MiB blocks with each string's start and end: exceljs's own table is an array of JS strings,
 * each a slice that keeps a whole chunk of the parsed XML alive, so a 1,000,000-row workbook's
 * table took hundreds of MiB. Here the first `memoryBytes` of text stay in memory and every later
 * block goes to a temporary file (unlinked at once, so nothing is left behind), read back a string
 * at a time: a 1,000,000-row workbook of unique names holds ~125 MB of them. A string never spans
 * two blocks (one over 1 MiB gets blocks of its own). The rare rich text strings (runs with their
 * own fonts) are kept as they are. `close()` releases the file.
 */
export class SharedStrings {
  /** The block holding the bytes from k × BLOCK is at k (a long string's spans the slots after); null once on disk. */
  #blocks: (Buffer | null)[] = [];
  /** Where the next string's bytes go, where the current block starts and ends. */
  #used = 0;
  #blockStart = 0;
  #blockEnd = 0;
  #inMemory = 0;
  readonly #memoryBytes: number;
  /** The temporary file the blocks past `memoryBytes` go to, at their own offsets. */
  #fd: number | undefined;
  #scratch = Buffer.alloc(0);
  #starts = new Uint32Array(4096);
  #ends = new Uint32Array(4096);
  #count = 0;
  #rich = new Map<number, RichText>();

  constructor(options: { memoryBytes?: number } = {}) {
    this.#memoryBytes = options.memoryBytes ?? 32 * BLOCK;
  }

  get size(): number {
    return this.#count;
  }

  /** Bytes of text held in memory (the rest is on disk). */
  get bytesInMemory(): number {
    return this.#inMemory;
  }

  push(value: string | RichText | null): void {
    if (this.#count === this.#starts.length) {
      this.#starts = grown(this.#starts);
      this.#ends = grown(this.#ends);
    }
    let [start, end] = [0, 0]; // empty
    if (value !== null && typeof value === 'object') this.#rich.set(this.#count, value);
    else if (value) [start, end] = this.#write(value);
    this.#starts[this.#count] = start;
    this.#ends[this.#count++] = end;
  }

  /** Stores `text`'s bytes, returning where they start and end. */
  #write(text: string): [number, number] {
    const length = Buffer.byteLength(text);
    if (this.#used + length > this.#blockEnd) {
      if (this.#inMemory > this.#memoryBytes) this.#spill(this.#blockStart);
      const size = Math.ceil(length / BLOCK) * BLOCK;
      this.#blockStart = this.#used = this.#blockEnd;
      this.#blocks[this.#used / BLOCK] = Buffer.allocUnsafe(size);
      this.#blockEnd = this.#used + size;
      this.#inMemory += size;
    }
    const start = this.#used;
    const end = start + this.#blocks[Math.floor(start / BLOCK)]!.write(text, start % BLOCK);
    // After a string of several blocks, the next string starts a block of its own.
    this.#used = length > BLOCK ? this.#blockEnd : end;
    return [start, end];
  }

  /** Moves the block starting at `start` to the temporary file. */
  #spill(start: number): void {
    const block = this.#blocks[start / BLOCK];
    if (!block) return;
    if (this.#fd === undefined) {
      const dir = mkdtempSync(path.join(tmpdir(), 'acme-shared-strings-'));
      const file = path.join(dir, 'strings');
      this.#fd = openSync(file, 'w+');
      rmSync(dir, { recursive: true }); // open until close(): the space is freed then, whatever happens
    }
    writeSync(this.#fd, block, 0, block.length, start);
    this.#blocks[start / BLOCK] = null;
    this.#inMemory -= block.length;
  }

  /** The string at `index`, or undefined past the table's end (a damaged workbook). */
  get(index: number): string | RichText | undefined {
    if (!(index >= 0 && index < this.#count)) return undefined;
    const rich = this.#rich.get(index);
    if (rich) return rich;
    const start = this.#starts[index]!;
    const end = this.#ends[index]!;
    if (start === end) return '';
    const block = this.#blocks[Math.floor(start / BLOCK)];
    if (block) {
      const offset = start % BLOCK;
      return block.toString('utf8', offset, offset + end - start);
    }
    if (this.#scratch.length < end - start)
      this.#scratch = Buffer.allocUnsafe(Math.max(end - start, 65_536));
    const read = readSync(this.#fd!, this.#scratch, 0, end - start, start);
    return this.#scratch.toString('utf8', 0, read);
  }

  /** Releases the temporary file and the blocks. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#blocks = [];
  }
}

function grown(array: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const bigger = new Uint32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
