import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, test } from 'vitest';
import { ByteInspector } from './byte-inspector.ts';

async function inspect(...pieces: Buffer[]): Promise<ByteInspector> {
  const inspector = new ByteInspector();
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(Readable.from(pieces), inspector, sink);
  return inspector;
}

describe('ByteInspector', () => {
  test('a character split across two pieces is valid UTF-8; bytes are counted', async () => {
    const euro = Buffer.from('a€b'); // € is 3 bytes
    const inspector = await inspect(euro.subarray(0, 2), euro.subarray(2));
    expect(inspector.sawInvalidUtf8).toBe(false);
    expect(inspector.bytesRead).toBe(5);
  });

  test('a Latin-1 byte, or a file ending mid-character, is invalid UTF-8', async () => {
    expect((await inspect(Buffer.from('caf'), Buffer.from([0xe9, 0x0a]))).sawInvalidUtf8).toBe(
      true,
    );
    expect((await inspect(Buffer.from('ok'), Buffer.from([0xe2, 0x82]))).sawInvalidUtf8).toBe(true);
  });

  test('refuses UTF-16 and binary data with a reason', async () => {
    await expect(inspect(Buffer.from('\ufeffsku', 'utf16le'))).rejects.toThrow(/UTF-16/);
    await expect(inspect(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).rejects.toThrow(
      /not a CSV text file/,
    );
  });
});
