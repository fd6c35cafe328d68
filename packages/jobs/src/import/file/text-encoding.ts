import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { analyse } from 'chardet';
import iconv from 'iconv-lite';
import { encodingLabel } from '@acme/shared';
import { ImportFailure } from '../import-failure.ts';
import { looksBinary, utf16ByteOrder } from './file-kind.ts';

/**
 * Code pages of files that are not UTF-8, in order of preference when two read equally well:
 * Excel's plain "CSV" on Windows writes the system's ANSI code page (Western 1252, Central
 * European 1250, Cyrillic 1251, Japanese Shift_JIS, Simplified Chinese GBK, which GB18030
 * decodes, Traditional Chinese Big5, Korean 949, which `euc-kr` decodes), Excel for Mac writes
 * Mac Roman, Unix tools and older supplier systems ISO-8859-2 or KOI8-R.
 */
const SINGLE_BYTE = [
  'windows-1252',
  'macintosh',
  'windows-1250',
  'iso-8859-2',
  'windows-1251',
  'koi8-r',
] as const;
const MULTI_BYTE = ['shift_jis', 'gb18030', 'big5', 'euc-kr'] as const;
export type SingleByteEncoding = (typeof SINGLE_BYTE)[number];
export type MultiByteEncoding = (typeof MULTI_BYTE)[number];
export type LegacyEncoding = SingleByteEncoding | MultiByteEncoding;
const LEGACY: readonly LegacyEncoding[] = [...SINGLE_BYTE, ...MULTI_BYTE];
/**
 * The code pages scored by their own structure (below). Shift_JIS stands for the double-byte
 * ones against the single-byte ones, GB18030 too; which double-byte one a file is in is then
 * told by how common its characters are (`doubleByteEncoding`).
 */
const SCORED: readonly LegacyEncoding[] = [...SINGLE_BYTE, 'shift_jis', 'gb18030'];

/** The encodings a file is read in (WHATWG names, as `TextDecoder` knows them). */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | LegacyEncoding;

export const isSingleByte = (name: TextEncodingName): name is SingleByteEncoding =>
  (SINGLE_BYTE as readonly string[]).includes(name);

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
 *   sequences make it UTF-8 (a stray invalid byte later costs only its row); invalid ones make it
 *   the code page that reads them most plausibly (`chooseLegacyEncoding`; when a more common one
 *   reads almost as well, that one, with a warning naming both readings). Shift_JIS, GB18030,
 *   Big5 and EUC-KR put ASCII bytes inside their characters, so a file in one of them is decoded
 *   here and passed on as UTF-8.
 * A UTF-8 BOM is dropped; binary content is refused.
 */
export class TextDecoding extends Transform {
  /** Decided so far; a file that stays ASCII is UTF-8. */
  encoding: TextEncodingName = 'utf-8';
  /**
   * Set once the file shows bytes that are invalid in its encoding (UTF-8 or a double-byte one):
   * rows holding U+FFFD are then suspect.
   */
  sawInvalidBytes = false;
  /** Set when another code page read the file almost as well as the one chosen: a warning. */
  encodingDoubt: string | null = null;
  /** Told the moment a code page is chosen, before any of its non-ASCII bytes pass. */
  onLegacy: (encoding: LegacyEncoding) => void = () => {};

  #state: 'start' | 'ascii' | 'deciding' | 'utf-8' | 'transcoding' | 'single-byte' = 'start';
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** UTF-16 or a double-byte code page to text. */
  #decoder: StreamDecoder | undefined;
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
      if (this.#state === 'transcoding') this.#transcode(this.#decoder!.end());
      if (this.#state === 'utf-8' && this.#carry.length > 0) this.sawInvalidBytes = true;
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
      case 'transcoding':
        this.#transcode(this.#decoder!.write(chunk));
        return;
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
      this.#state = 'transcoding';
      this.#decoder = streamDecoder(utf16); // drops the BOM itself
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
    if (!this.sawInvalidBytes) {
      const bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
      const complete = completeUtf8Length(bytes);
      if (!isUtf8(bytes.subarray(0, complete))) this.sawInvalidBytes = true;
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
    const { encoding, doubt } = chooseLegacyEncoding(
      Buffer.concat([this.#context, evidence]),
      this.#context.length,
    );
    this.encoding = encoding;
    this.encodingDoubt = doubt;
    this.onLegacy(encoding);
    if (isSingleByte(encoding)) {
      this.#state = 'single-byte';
      this.push(evidence);
      return;
    }
    this.#state = 'transcoding';
    this.#decoder = streamDecoder(encoding);
    this.#take(evidence);
  }

  /** Decoded text, passed on as UTF-8; U+FFFD marks bytes that are invalid in the file's encoding. */
  #transcode(text: string): void {
    if (text === '') return;
    if (!this.sawInvalidBytes && text.includes('\uFFFD')) this.sawInvalidBytes = true;
    this.push(Buffer.from(text, 'utf8'));
  }
}

/** Text from a stream of bytes, a piece at a time; U+FFFD for bytes invalid in the encoding. */
interface StreamDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

/**
 * iconv-lite's code pages for those Node's TextDecoder (ICU) reads short of the WHATWG
 * Encoding Standard: its `euc-kr` lacks the syllables Korean Windows (code page 949) adds
 * (`똠`: 8C 63) and its `big5` the HKSCS characters, and both drop such a lead byte without a
 * trace (no U+FFFD), so a row would lose a letter unnoticed.
 */
const ICONV_NAMES: Partial<Record<TextEncodingName, string>> = {
  'euc-kr': 'cp949',
  big5: 'big5hkscs',
};

function streamDecoder(encoding: 'utf-16le' | 'utf-16be' | MultiByteEncoding): StreamDecoder {
  const iconvName = ICONV_NAMES[encoding];
  if (iconvName) {
    const decoder = iconv.getDecoder(iconvName);
    return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' };
  }
  const decoder = new TextDecoder(encoding);
  return {
    write: (bytes) => decoder.decode(bytes, { stream: true }),
    end: () => decoder.decode(),
  };
}

/** `bytes` as text in `encoding` (a double-byte code page through streamDecoder). */
function decodeAll(encoding: LegacyEncoding, bytes: Buffer): string {
  if (isSingleByte(encoding)) return new TextDecoder(encoding).decode(bytes);
  const decoder = streamDecoder(encoding);
  return decoder.write(bytes) + decoder.end();
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
const LATIN = /\p{Script=Latin}/u;
const ASCII_LETTER = /[A-Za-z]/;
/** Punctuation and signs that real product text uses (prices, units, typography). */
const COMMON_SIGNS = new Set('€£¥¢©®™°±§¶•…–—‘’‚“”„«»‹›´·¼½¾¹²³×÷\u00a0¿¡ªº№');
/** Signs that open a word: a quote or Spanish ¿ ¡ glued to the letter after them is normal. */
const OPENING_SIGNS = new Set('‘‚“„«‹¿¡');
const APOSTROPHES = new Set('’‘´');
/**
 * Letters the languages of a code page hardly use, so a reading full of them is suspect (the
 * bytes of Czech ě, ý read in Windows-1252 as ì, ý; French à read in Windows-1250 as ŕ): `rare`
 * anywhere, `rareBeforeLetter` unless they end a word (Italian più, così, È).
 */
const WESTERN_RARE = { rare: new Set('ÿýþðÝÞÐŸÛÎÏŒı'), rareBeforeLetter: new Set('ìòùÌÒÙÈ') };
const CENTRAL_EUROPEAN_RARE = { rare: new Set('ŕŔĺĹ'), rareBeforeLetter: new Set<string>() };
const RARE_LETTERS: Partial<
  Record<SingleByteEncoding, { rare: Set<string>; rareBeforeLetter: Set<string> }>
> = {
  'windows-1252': WESTERN_RARE,
  macintosh: WESTERN_RARE,
  'windows-1250': CENTRAL_EUROPEAN_RARE,
  'iso-8859-2': CENTRAL_EUROPEAN_RARE,
};

/**
 * Hungarian ő and ű (and Ő, Ű) are the bytes Windows-1252 reads as õ and û, letters Portuguese,
 * French and Estonian use. Beside ö or ü, in a text without the letters those languages write
 * with them (ã ç â à è ê ä), they are Hungarian read wrongly, and rare in that reading.
 */
const HUNGARIAN_IN_WESTERN = {
  rare: new Set([...WESTERN_RARE.rare, ...'õûÕÛ']),
  rareBeforeLetter: WESTERN_RARE.rareBeforeLetter,
};
const HUNGARIAN_ONLY = /[öüÖÜ]/;
const PORTUGUESE_FRENCH_OR_ESTONIAN = /[ãçâàèêäÃÇÂÀÈÊÄ]/;
const hungarianMisread = (encoding: SingleByteEncoding, text: string) =>
  encoding === 'windows-1252' &&
  HUNGARIAN_ONLY.test(text) &&
  !PORTUGUESE_FRENCH_OR_ESTONIAN.test(text);

/**
 * How plausible `text` (a single-byte decoding of `bytes`, one character per byte) reads at its
 * non-ASCII characters: letters inside words in a fitting case score; controls (bytes the code
 * page leaves undefined), rare letters, signs wedged into words, a case change inside a word, an
 * accented Latin letter between two others (Cyrillic read as Latin: "Ïðîäóêò") and a Cyrillic
 * letter beside a Latin one do not.
 */
function singleBytePlausibility(encoding: SingleByteEncoding, bytes: Buffer, text: string): number {
  const rare = hungarianMisread(encoding, text) ? HUNGARIAN_IN_WESTERN : RARE_LETTERS[encoding];
  const accented = (neighbour: string) => neighbour >= '\u0080' && LATIN.test(neighbour);
  let score = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0x80) continue;
    const c = text[i]!;
    const before = text[i - 1] ?? ' ';
    const after = text[i + 1] ?? ' ';
    const inWord = LETTER.test(before) || LETTER.test(after);
    const code = c.charCodeAt(0);
    if ((code >= 0x80 && code <= 0x9f) || c === '\uFFFD') score -= 5;
    else if (LETTER.test(c)) {
      const latin = LATIN.test(c);
      let points = 2;
      if (!inWord) points = 1;
      else if (UPPER.test(c) && LOWER.test(before)) points = -1;
      else if (LOWER.test(c) && UPPER.test(after)) points = -1;
      else if (latin && accented(before) && accented(after)) points = -2;
      else if (!latin && (ASCII_LETTER.test(before) || ASCII_LETTER.test(after))) points = -2;
      const isRare = rare?.rare.has(c) || (rare?.rareBeforeLetter.has(c) && LETTER.test(after));
      score += isRare ? Math.min(points, 0) : points;
    } else if (APOSTROPHES.has(c)) score += inWord ? 2 : 1;
    else if (COMMON_SIGNS.has(c)) {
      const wedged = LETTER.test(before) && LETTER.test(after);
      const glued = LETTER.test(after) && !OPENING_SIGNS.has(c);
      score += wedged || glued ? -1 : 1;
    } else score -= 2;
  }
  return score;
}

const isAsciiLetter = (byte: number | undefined) =>
  byte !== undefined && ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));

/**
 * In a double-byte reading, whether the two-byte character at `start` is really an accented
 * letter inside a Latin word: its trail byte an ASCII letter right after a character that is
 * one (`afterAsciiLetter`), or an ASCII lower-case letter right after it ("Crème" in Mac Roman
 * read as Shift_JIS: "Cr塾e").
 */
function insideLatinWord(bytes: Buffer, start: number, afterAsciiLetter: boolean): boolean {
  const after = bytes[start + 2];
  return (
    (afterAsciiLetter && isAsciiLetter(bytes[start + 1])) ||
    (after !== undefined && after >= 0x61 && after <= 0x7a)
  );
}

/**
 * How plausible `bytes` read as Shift_JIS, walked character by character: kana and the common
 * kanji (JIS level 1) score as two letters, level 2 and symbols less, half-width katakana as one
 * letter, user-defined characters and invalid bytes cost.
 */
function shiftJisPlausibility(bytes: Buffer): number {
  let score = 0;
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]!;
    const afterAsciiLetter = isAsciiLetter(bytes[i - 1]) && !(i >= 2 && bytes[i - 2]! >= 0x80);
    if (lead < 0x80) {
      i++;
      continue;
    }
    if (lead >= 0xa1 && lead <= 0xdf) {
      score += 1; // half-width katakana
      i++;
      continue;
    }
    const trail = bytes[i + 1];
    if (trail === undefined) break; // cut off at the end of the evidence
    const validLead = (lead >= 0x81 && lead <= 0x9f) || (lead >= 0xe0 && lead <= 0xfc);
    const validTrail = (trail >= 0x40 && trail <= 0x7e) || (trail >= 0x80 && trail <= 0xfc);
    if (!validLead || !validTrail) {
      score -= 10;
      i++;
      continue;
    }
    if (insideLatinWord(bytes, i, afterAsciiLetter)) score -= 2;
    else if (lead === 0x82 || lead === 0x83 || (lead >= 0x88 && lead <= 0x98)) score += 4;
    else if (lead === 0x81 || (lead >= 0x99 && lead <= 0x9f) || (lead >= 0xe0 && lead <= 0xea))
      score += 2;
    else if (lead >= 0xf0 && lead <= 0xf9)
      score -= 5; // user-defined
    else score += 1; // NEC and IBM extensions
    i += 2;
  }
  return score;
}

/**
 * How plausible `bytes` read as GB18030 (GBK): the common hanzi (GB2312 level 1) and the symbol
 * rows (full-width punctuation) score as two letters, GB2312 level 2 less, GBK's extensions
 * nothing, four-byte sequences (rare outside other scripts) and invalid bytes cost.
 */
function gb18030Plausibility(bytes: Buffer): number {
  let score = 0;
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]!;
    const afterAsciiLetter = isAsciiLetter(bytes[i - 1]) && !(i >= 2 && bytes[i - 2]! >= 0x80);
    if (lead < 0x80) {
      i++;
      continue;
    }
    const trail = bytes[i + 1];
    if (trail === undefined) break;
    if (lead === 0x80 || lead === 0xff) {
      score -= 10;
      i++;
    } else if (trail >= 0x30 && trail <= 0x39) {
      const third = bytes[i + 2];
      const fourth = bytes[i + 3];
      if (third === undefined || fourth === undefined) break;
      if (third >= 0x81 && third <= 0xfe && fourth >= 0x30 && fourth <= 0x39) {
        score -= 2;
        i += 4;
      } else {
        score -= 10;
        i++;
      }
    } else if ((trail >= 0x40 && trail <= 0x7e) || (trail >= 0x80 && trail <= 0xfe)) {
      const gb2312 = trail >= 0xa1;
      if (insideLatinWord(bytes, i, afterAsciiLetter)) score -= 2;
      else if (gb2312 && ((lead >= 0xb0 && lead <= 0xd7) || (lead >= 0xa1 && lead <= 0xa9)))
        score += 4;
      else if (gb2312 && lead >= 0xd8 && lead <= 0xf7) score += 2;
      i += 2;
    } else {
      score -= 10;
      i++;
    }
  }
  return score;
}

interface Reading {
  encoding: LegacyEncoding;
  score: number;
}

function reading(encoding: LegacyEncoding, evidence: Buffer): Reading {
  const score =
    encoding === 'shift_jis'
      ? shiftJisPlausibility(evidence)
      : isSingleByte(encoding)
        ? singleBytePlausibility(encoding, evidence, new TextDecoder(encoding).decode(evidence))
        : gb18030Plausibility(evidence);
  return { encoding, score };
}

/** What ICU's recognizers (chardet) call the double-byte code pages. */
const ICU_DOUBLE_BYTE: Record<string, MultiByteEncoding> = {
  Shift_JIS: 'shift_jis',
  GB18030: 'gb18030',
  Big5: 'big5',
  'EUC-KR': 'euc-kr',
};
/** ICU's confidence (0–100) from which its choice among the double-byte code pages is taken. */
const ICU_CONFIDENCE = 50;

/**
 * Which double-byte code page `evidence`, found double-byte by structure (`structural`), is in.
 * Shift_JIS, GBK, Big5 and EUC-KR put their characters in overlapping byte ranges, so Korean
 * reads as valid common hanzi in GBK and Big5 as valid GBK: only how common the characters
 * are in each reading tells them apart. ICU's recognizers (chardet) count the characters among
 * each language's most frequent ones; below ICU_CONFIDENCE the structural choice stands.
 */
function doubleByteEncoding(evidence: Buffer, structural: MultiByteEncoding): MultiByteEncoding {
  const match = analyse(evidence).find(({ name }) => name in ICU_DOUBLE_BYTE);
  return match && match.confidence >= ICU_CONFIDENCE
    ? (ICU_DOUBLE_BYTE[match.name] ?? structural)
    : structural;
}

/** A reading only wins over a more common one (earlier in LEGACY) by this much. */
const MARGIN = 3;

export interface LegacyChoice {
  encoding: LegacyEncoding;
  /** When another code page read the evidence almost as well: a warning naming both readings. */
  doubt: string | null;
}

/**
 * The code page of a file that is not UTF-8, from `evidence` (a little ASCII context, then the
 * file's first non-ASCII byte at `first`, and up to 64 KiB after it): the most plausible reading,
 * unless a more common code page reads almost as well. Then the more common one is used (with
 * little evidence, a single "°" or "™", the odds favour it; most bytes of Western and Central
 * European text read the same in both) and the doubt, naming both readings of a sample word, is
 * shown as a warning: the file is imported, never refused for it.
 */
export function chooseLegacyEncoding(evidence: Buffer, first: number): LegacyChoice {
  const readings = SCORED.map((encoding) => reading(encoding, evidence));
  let best = readings.reduce((a, b) => (b.score > a.score ? b : a));
  const doubleByte = !isSingleByte(best.encoding);
  if (doubleByte)
    best = { ...best, encoding: doubleByteEncoding(evidence, best.encoding as MultiByteEncoding) };
  const rival = readings.find(
    (candidate) =>
      // among the double-byte code pages, doubleByteEncoding decided
      !(doubleByte && !isSingleByte(candidate.encoding)) &&
      LEGACY.indexOf(candidate.encoding) < LEGACY.indexOf(best.encoding) &&
      best.score - candidate.score < MARGIN,
  );
  if (!rival) return { encoding: best.encoding, doubt: null };
  const word = sampleWord(evidence, firstDifference(evidence, first, rival, best));
  return {
    encoding: rival.encoding,
    doubt:
      `The file is not UTF-8 and reads almost as well in ${encodingLabel(best.encoding)} ("${word(best)}") ` +
      `as in ${encodingLabel(rival.encoding)} ("${word(rival)}"); it was read as ${encodingLabel(rival.encoding)}. ` +
      'If accented characters look wrong, save it as "CSV UTF-8" and upload it again.',
  };
}

/**
 * Where two readings of `bytes` first differ from `first` on (a byte both read alike, such as
 * Czech Š in Windows-1250 and 1252, would make a useless example), for single-byte readings.
 */
function firstDifference(bytes: Buffer, first: number, a: Reading, b: Reading): number {
  if (!isSingleByte(a.encoding) || !isSingleByte(b.encoding)) return first;
  const one = new TextDecoder(a.encoding).decode(bytes);
  const other = new TextDecoder(b.encoding).decode(bytes);
  for (let i = first; i < bytes.length; i++) if (one[i] !== other[i]) return i;
  return first;
}

/** The word around the non-ASCII byte at `at`, as a reading spells it. */
function sampleWord(bytes: Buffer, at: number): (reading: Reading) => string {
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
  return ({ encoding }) => decodeAll(encoding, bytes.subarray(start, end));
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
