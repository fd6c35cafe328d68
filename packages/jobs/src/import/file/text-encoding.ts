import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { ImportFailure } from '../import-failure.ts';
import { looksBinary, utf16ByteOrder } from './file-kind.ts';

/** The encodings a file is read in (WHATWG names, as `TextDecoder` knows them). */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'macintosh';

/** Single-byte encodings tried, in order of preference, when a file is not UTF-8. */
const SINGLE_BYTE: readonly SingleByteEncoding[] = ['windows-1252', 'macintosh'];
export type SingleByteEncoding = 'windows-1252' | 'macintosh';
export const isSingleByte = (name: TextEncodingName): name is SingleByteEncoding =>
  (SINGLE_BYTE as readonly string[]).includes(name);

const ENCODING_LABELS: Record<TextEncodingName, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252',
  macintosh: 'Mac Roman',
};

/** How the dashboard and messages name an encoding. */
export const encodingLabel = (name: TextEncodingName): string => ENCODING_LABELS[name];

/** Bytes past a file's first non-ASCII byte looked at to decide its encoding. */
const EVIDENCE_BYTES = 65_536;

/**
 * Bytes → text the parser reads, deciding the file's encoding once, from evidence, and never
 * mixing two in one file (docs/contract.md section 2):
 * - a UTF-16 file (BOM, or NUL-interleaved ASCII) is decoded with `TextDecoder` and passed on as
 *   UTF-8;
 * - everything else is passed on as it is: the parser splits fields on ASCII bytes, which mean
 *   the same in UTF-8 and in the single-byte encodings, and decodes each field itself (UTF-8, or
 *   latin1 mapped to the code page, see `singleByteFieldDecoder`). Until the first non-ASCII
 *   byte the question does not arise; at it, up to 64 KiB are held back and judged: valid UTF-8
 *   sequences make it UTF-8 (a stray invalid byte later costs only its row), invalid ones make it
 *   Windows-1252, or Mac Roman when its reading is clearly better, or the file is refused naming
 *   both readings when neither is.
 * A UTF-8 BOM is dropped; binary content is refused.
 */
export class TextDecoding extends Transform {
  /** Decided so far; a file that stays ASCII is UTF-8. */
  encoding: TextEncodingName = 'utf-8';
  /** Set once a UTF-8 file shows an invalid sequence: rows holding U+FFFD are then suspect. */
  sawInvalidUtf8 = false;
  /** Told the moment a single-byte encoding is chosen, before any of its non-ASCII bytes pass. */
  onSingleByte: (encoding: SingleByteEncoding) => void = () => {};

  #state: 'start' | 'ascii' | 'deciding' | 'utf-8' | 'utf-16' | 'single-byte' = 'start';
  #held: Buffer[] = [];
  #heldBytes = 0;
  #utf16: TextDecoder | undefined;
  /** The ASCII just before the first non-ASCII byte: the words it sits in, for judging. */
  #context: Buffer = Buffer.alloc(0);
  /** The start of a UTF-8 character cut off at the end of the previous piece. */
  #carry: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#take(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.#state === 'start' && this.#heldBytes > 0) this.#start(this.#takeHeld(), true);
      if (this.#state === 'deciding') this.#decide(this.#takeHeld());
      if (this.#state === 'utf-16') {
        const rest = this.#utf16?.decode() ?? '';
        if (rest !== '') this.push(Buffer.from(rest, 'utf8'));
      }
      if (this.#state === 'utf-8' && this.#carry.length > 0) this.sawInvalidUtf8 = true;
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #take(chunk: Buffer): void {
    switch (this.#state) {
      case 'start':
        this.#hold(chunk);
        if (this.#heldBytes >= 4) this.#start(this.#takeHeld(), false);
        return;
      case 'ascii':
        this.#ascii(chunk);
        return;
      case 'deciding':
        this.#hold(chunk);
        if (this.#heldBytes >= EVIDENCE_BYTES) this.#decide(this.#takeHeld());
        return;
      case 'utf-8':
        this.#utf8(chunk);
        return;
      case 'utf-16': {
        const text = this.#utf16!.decode(chunk, { stream: true });
        if (text !== '') this.push(Buffer.from(text, 'utf8'));
        return;
      }
      case 'single-byte':
        this.push(chunk);
        return;
    }
  }

  #hold(chunk: Buffer): void {
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
  }

  #takeHeld(): Buffer {
    const all = Buffer.concat(this.#held, this.#heldBytes);
    this.#held = [];
    this.#heldBytes = 0;
    return all;
  }

  /** The first bytes: byte order marks, UTF-16, binary content. */
  #start(head: Buffer, end: boolean): void {
    const utf16 = utf16ByteOrder(head);
    if (utf16) {
      this.encoding = utf16;
      this.#state = 'utf-16';
      this.#utf16 = new TextDecoder(utf16); // drops the BOM itself
      this.#take(head);
      return;
    }
    if (looksBinary(head))
      throw new ImportFailure(
        'The file is not a CSV text file (it contains binary data, e.g. a spreadsheet or an archive); export it as CSV UTF-8.',
      );
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      this.#state = 'utf-8';
      this.#utf8(head.subarray(3));
      return;
    }
    this.#state = 'ascii';
    this.#ascii(head);
    if (end && (this.#state as string) === 'deciding') this.#decide(this.#takeHeld());
  }

  #ascii(chunk: Buffer): void {
    if (isAscii(chunk)) {
      this.push(chunk);
      return;
    }
    let first = 0;
    while ((chunk[first] ?? 0) < 0x80) first++;
    if (first > 0) this.push(chunk.subarray(0, first));
    this.#context = Buffer.from(chunk.subarray(Math.max(0, first - 40), first));
    this.#state = 'deciding';
    this.#hold(chunk.subarray(first));
    if (this.#heldBytes >= EVIDENCE_BYTES) this.#decide(this.#takeHeld());
  }

  #utf8(chunk: Buffer): void {
    if (!this.sawInvalidUtf8) {
      const bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
      const complete = completeUtf8Length(bytes);
      if (!isUtf8(bytes.subarray(0, complete))) this.sawInvalidUtf8 = true;
      this.#carry = Buffer.from(bytes.subarray(complete));
    }
    this.push(chunk);
  }

  /** `evidence` starts at the file's first non-ASCII byte. */
  #decide(evidence: Buffer): void {
    const { valid, invalid } = countUtf8Sequences(evidence);
    if (invalid === 0 || valid > invalid) {
      this.#state = 'utf-8';
      this.#utf8(evidence);
      return;
    }
    const encoding = chooseSingleByte(
      Buffer.concat([this.#context, evidence]),
      this.#context.length,
    );
    this.encoding = encoding;
    this.#state = 'single-byte';
    this.onSingleByte(encoding);
    this.push(evidence);
  }
}

/** Length of `bytes` without a UTF-8 sequence left incomplete at its end. */
export function completeUtf8Length(bytes: Buffer): number {
  const end = bytes.length;
  for (let i = end - 1; i >= Math.max(0, end - 4); i--) {
    const byte = bytes[i] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return end - i < needed ? i : end;
  }
  return end;
}

/** Valid multi-byte UTF-8 sequences and invalid bytes in `bytes` (an incomplete tail is ignored). */
export function countUtf8Sequences(bytes: Buffer): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  const end = completeUtf8Length(bytes);
  for (let i = 0; i < end;) {
    const byte = bytes[i]!;
    if (byte < 0x80) {
      i++;
      continue;
    }
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 ? 2 : 0;
    if (length > 0 && i + length <= end && isUtf8(bytes.subarray(i, i + length))) {
      valid++;
      i += length;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
}

const LETTER = /\p{L}/u;
const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}/u;
/** Punctuation and signs that real product text uses (prices, units, typography). */
const COMMON_SIGNS = new Set('€£¥¢©®™°±§¶•…–—‘’‚“”„«»‹›´·¼½¾¹²³×÷\u00a0¿¡ªº');
const APOSTROPHES = new Set('’‘´');

/**
 * How plausible `text` (a single-byte decoding of `bytes`) reads at its non-ASCII characters:
 * letters inside words in a fitting case score, controls (bytes the encoding leaves undefined)
 * and rare symbols wedged between letters cost.
 */
function plausibility(bytes: Buffer, text: string): number {
  let score = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0x80) continue;
    const c = text[i]!;
    const before = text[i - 1] ?? ' ';
    const after = text[i + 1] ?? ' ';
    const inWord = LETTER.test(before) || LETTER.test(after);
    const code = c.charCodeAt(0);
    if (code >= 0x80 && code <= 0x9f) score -= 5;
    else if (LETTER.test(c)) {
      if (!inWord) score += 1;
      else if (UPPER.test(c) && LOWER.test(before)) score -= 1;
      else score += 2;
    } else if (APOSTROPHES.has(c)) score += inWord ? 2 : 1;
    else if (COMMON_SIGNS.has(c)) score += LETTER.test(before) && LETTER.test(after) ? -1 : 1;
    else score -= 2;
  }
  return score;
}

/** Mac Roman only wins by this much: Windows-1252 is by far the more common. */
const MARGIN = 3;

/** `evidence` holds a little ASCII context, then the file's first non-ASCII byte at `first`. */
function chooseSingleByte(evidence: Buffer, first: number): SingleByteEncoding {
  const [preferred, other] = SINGLE_BYTE as [SingleByteEncoding, SingleByteEncoding];
  const readings = SINGLE_BYTE.map((encoding) => {
    const text = new TextDecoder(encoding).decode(evidence);
    return { encoding, text, score: plausibility(evidence, text) };
  });
  const [mine, theirs] = readings as [(typeof readings)[0], (typeof readings)[0]];
  const difference = theirs.score - mine.score;
  if (difference <= 0) return preferred;
  if (difference >= MARGIN) return other;
  const word = sampleWord(evidence, first);
  throw new ImportFailure(
    `The file is not UTF-8, and it reads as well in ${encodingLabel(preferred)} ("${word(mine.text)}") ` +
      `as in ${encodingLabel(other)} ("${word(theirs.text)}"), so its accented characters cannot be told apart. ` +
      'Save it as "CSV UTF-8" and upload it again.',
  );
}

/** The word around the non-ASCII byte at `at`, as a reading spells it. */
function sampleWord(bytes: Buffer, at: number): (text: string) => string {
  const isWordByte = (byte: number | undefined) =>
    byte !== undefined &&
    byte !== 0x20 &&
    byte !== 0x2c &&
    byte !== 0x3b &&
    byte !== 0x09 &&
    byte !== 0x0a &&
    byte !== 0x0d &&
    byte !== 0x22;
  let start = at;
  while (start > 0 && at - start < 30 && isWordByte(bytes[start - 1])) start--;
  let end = at + 1;
  while (end < bytes.length && end - at < 30 && isWordByte(bytes[end])) end++;
  return (text) => text.slice(start, end);
}

/** Maps a field the parser decoded as latin1 (byte = code point) to the file's code page. */
export function singleByteFieldDecoder(encoding: SingleByteEncoding): (field: string) => string {
  const table = new TextDecoder(encoding).decode(
    Uint8Array.from({ length: 256 }, (_, byte) => byte),
  );
  // Windows-1252 differs from latin1 only at 0x80–0x9F; Mac Roman at every non-ASCII byte.
  const test = encoding === 'windows-1252' ? /[\x80-\x9f]/ : /[\x80-\xff]/;
  const all = new RegExp(test.source, 'g');
  return (field) =>
    test.test(field) ? field.replace(all, (c) => table[c.charCodeAt(0)] ?? c) : field;
}
