import { Transform, type TransformCallback } from 'node:stream';
import { ImportFailure } from '../import-failure.ts';

/**
 * Counts what a `.gz` upload inflates to (zlib's streaming gunzip sits before it; concatenated
 * gzip members, as `cat a.gz b.gz` makes, read as one file) and fails at the upload size limit,
 * so a small file that inflates to terabytes stops there.
 */
export class InflatedSizeLimit extends Transform {
  bytes = 0;
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    super();
    this.#maxBytes = maxBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#maxBytes) {
      callback(
        new ImportFailure(
          `The file decompresses to more than the upload limit of ${formatLimit(this.#maxBytes)}; split it into smaller files.`,
        ),
      );
      return;
    }
    callback(null, chunk);
  }
}

/**
 * `source` (the inflated text) with zlib's errors in words a user understands, wherever in the
 * file the damage is: a gzip file cut short or corrupted megabytes in fails like one broken in
 * its first bytes, as a failure of the file (not retried), not as zlib's own message.
 */
export async function* describingGzipErrors(
  source: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer, void, undefined> {
  try {
    yield* source;
  } catch (error) {
    throw describeGzipError(error) ?? error;
  }
}

/** zlib's errors in words a user understands; undefined for anything that is not zlib's. */
export function describeGzipError(error: unknown): ImportFailure | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code.startsWith('Z_')) return undefined;
  if (code === 'Z_BUF_ERROR')
    return new ImportFailure(
      'The gzip file is truncated (it ends before its data does); upload the complete file again.',
    );
  return new ImportFailure(
    `The gzip file is damaged (${String(message)}); compress the CSV file again and upload it.`,
  );
}

export function formatLimit(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  if (mib >= 1024)
    return `${Number.isInteger(mib / 1024) ? mib / 1024 : (mib / 1024).toFixed(1)} GiB`;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}
