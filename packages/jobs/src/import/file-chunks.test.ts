import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@acme/db/testing';
import { storeFile } from '@acme/testing';
import { openStoredFile, readFileChunks } from './file-chunks.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

const MiB = 1024 * 1024;

async function bytesOf(pieces: AsyncIterable<Buffer>): Promise<Buffer> {
  const read: Buffer[] = [];
  for await (const piece of pieces) read.push(piece);
  return Buffer.concat(read);
}

describe('openStoredFile', () => {
  it('reads any byte range of a file stored in 1 MiB pieces, as the file holds it', async () => {
    const file = randomBytes(6 * MiB + 12_345);
    const id = await storeFile(database.sql, 'archive.zip', file);
    expect(await bytesOf(readFileChunks(database.sql, id))).toEqual(file);

    const stored = await openStoredFile(database.sql, id);
    expect(stored.size).toBe(file.length);
    for (const [start, end] of [
      [0, 1],
      [0, file.length], // every piece: more than one query's worth
      [MiB - 3, MiB + 3], // across a piece boundary
      [MiB, 2 * MiB], // exactly one piece
      [5 * MiB + 7, 6 * MiB + 12_345], // the short last piece
      [file.length - 22, file.length], // where a zip's end record is
      [123, 4 * MiB + 456], // several pieces, from inside the first
    ] as const)
      expect(await bytesOf(stored.read(start, end))).toEqual(file.subarray(start, end));
  });
});
