import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { ImportFailure } from './import-failure.ts';

const SNIFF_BYTES = 65_536;

/**
 * Passes the file's bytes through unchanged while it
 * - counts them (progress: bytes processed),
 * - refuses what is clearly not a UTF-8 text file (UTF-16, NUL bytes of a binary such as .xlsx),
 * - notes whether any byte sequence is invalid UTF-8. The check is native (`isUtf8`, no decoding
 *   into strings) and carries a character split across two pieces over to the next one; only
 *   when it trips do rows get inspected one by one for the replacement character (a valid file
 *   that legitimately contains U+FFFD is never misreported).
 */
export class ByteInspector extends Transform {
  bytesRead = 0;
  sawInvalidUtf8 = false;
  /** The start of a character cut off at the end of the previous piece. */
  #carry: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.bytesRead === 0) {
      const refusal = refuseNonText(chunk);
      if (refusal) {
        callback(refusal);
        return;
      }
    }
    this.bytesRead += chunk.length;
    if (!this.sawInvalidUtf8) {
      const bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
      const complete = completeLength(bytes);
      if (!isUtf8(bytes.subarray(0, complete))) this.sawInvalidUtf8 = true;
      this.#carry = Buffer.from(bytes.subarray(complete));
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#carry.length > 0) this.sawInvalidUtf8 = true; // the file ends mid-character
    callback();
  }
}

/** Length of `bytes` without a UTF-8 sequence left incomplete at its end. */
function completeLength(bytes: Buffer): number {
  const end = bytes.length;
  for (let i = end - 1; i >= Math.max(0, end - 4); i--) {
    const byte = bytes[i] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return end - i < needed ? i : end;
  }
  return end;
}

function refuseNonText(head: Buffer): ImportFailure | undefined {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
    return new ImportFailure(
      'The file is encoded as UTF-16; save it as "CSV UTF-8" and upload it again.',
    );
  if (head.subarray(0, SNIFF_BYTES).includes(0))
    return new ImportFailure(
      'The file is not a CSV text file (it contains binary data, e.g. a spreadsheet or an archive); export it as CSV UTF-8.',
    );
  return undefined;
}
