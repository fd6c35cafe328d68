import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImportFailure } from '../import-failure.ts';
import { openRecordSource } from './record-source.ts';

/** A gzipped CSV of 200,000 rows (~1.6 MB compressed): its damage can lie far past the head. */
function gzippedCsv(): Buffer {
  const rows = ['sku,name'];
  for (let i = 0; i < 200_000; i++) rows.push(`S-${i},Product ${(i * 7919) % 100_003} of ${i}`);
  return gzipSync(Buffer.from(rows.join('\n')));
}

async function readAll(file: Buffer): Promise<number> {
  const source = await openRecordSource(Readable.from([file]), { maxBytes: 1 << 30 });
  let records = 0;
  for await (const _ of source.records as AsyncIterable<unknown>) records++;
  return records;
}

describe('a gzip file damaged after its first 64 KiB', () => {
  const gz = gzippedCsv();

  it('reads whole when intact', async () => {
    expect(await readAll(gz)).toBe(200_001);
  });

  it('fails as a damaged file in words a user reads, not with zlib’s message', async () => {
    const damaged = Buffer.from(gz);
    damaged.fill(0x55, gz.length - 5_000, gz.length - 4_000);
    const error = await readAll(damaged).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ImportFailure);
    expect((error as Error).message).toMatch(/^The gzip file is damaged \(.+\); compress the CSV/);
  });

  it('fails as a truncated file when cut short', async () => {
    const error = await readAll(gz.subarray(0, Math.floor(gz.length * 0.8))).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ImportFailure);
    expect((error as Error).message).toBe(
      'The gzip file is truncated (it ends before its data does); upload the complete file again.',
    );
  });
});
