import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { corpusFile } from '@acme/testing';
import { ImportFailure } from '../import-failure.ts';
import { openZipMember, type RandomAccessFile } from './zip-archive.ts';

/** An archive in memory, read by range as the stored file is. */
const inMemory = (bytes: Buffer): RandomAccessFile => ({
  size: bytes.length,
  read: (start, end) => Readable.from([bytes.subarray(start, end)]),
});

async function unzipped(bytes: Buffer, maxBytes = 1 << 30): Promise<Buffer> {
  const member = await openZipMember(inMemory(bytes), { maxBytes });
  if (member.kind !== 'member') throw new Error(`expected a member, got ${member.kind}`);
  const pieces: Buffer[] = [];
  for await (const piece of member.bytes) pieces.push(piece);
  return Buffer.concat(pieces);
}

/** `archive` with the uncompressed size its central directory declares for its one file set to `size`. */
function declaringSize(archive: Buffer, size: number): Buffer {
  const forged = Buffer.from(archive);
  const header = forged.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  forged.writeUInt32LE(size, header + 24);
  return forged;
}

describe('openZipMember', () => {
  it('unzips the one file as it was zipped', async () => {
    expect(await unzipped(corpusFile('zip-shopify-export.zip'))).toEqual(
      corpusFile('shopify-products.csv'),
    );
    expect(await unzipped(corpusFile('zip-stored.zip'))).toEqual(
      corpusFile('excel-win-csv-utf8.csv'),
    );
  });

  it('refuses a zip bomb by the size its directory declares, before inflating anything', async () => {
    // zip -9 of 20 MiB of line breaks: 20 KB, about 1,000 to 1
    const bomb = corpusFile('zip-bomb.zip');
    expect(bomb.length).toBeLessThan(32 * 1024);
    await expect(openZipMember(inMemory(bomb), { maxBytes: 16 * 1024 * 1024 })).rejects.toThrow(
      '"catalogue.csv" in the zip archive unzips to 20.0 MiB, more than the upload limit of 16 MiB; split it into smaller files.',
    );
    expect((await unzipped(bomb, 32 * 1024 * 1024)).length).toBe(20 * 1024 * 1024 + 18);
  });

  it('stops a file that inflates to more or less than its directory declares', async () => {
    const archive = corpusFile('zip-shopify-export.zip');
    const damaged =
      'The zip archive is damaged: a file in it does not unzip to the size its table of contents says; zip the file again and upload the new archive.';
    await expect(unzipped(declaringSize(archive, 100))).rejects.toThrow(damaged);
    await expect(unzipped(declaringSize(archive, 10_000))).rejects.toThrow(damaged);
  });

  it('tells an Excel workbook (its parts in the directory) from an archive holding one', async () => {
    expect(
      await openZipMember(inMemory(corpusFile('libreoffice-calc.xlsx')), { maxBytes: 1 << 30 }),
    ).toEqual({ kind: 'workbook' });
    expect(await unzipped(corpusFile('zip-stored-xlsx.zip'))).toEqual(
      corpusFile('libreoffice-calc.xlsx'),
    );
  });

  it('passes on a failure to read the stored file (a lost connection) as it is: retried, not blamed on the file', async () => {
    const archive = corpusFile('zip-shopify-export.zip');
    const lost = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const failing: RandomAccessFile = {
      size: archive.length,
      read: () =>
        new Readable({
          read() {
            this.destroy(lost);
          },
        }),
    };
    const failure = await openZipMember(failing, { maxBytes: 1 << 30 }).catch((e: unknown) => e);
    expect(failure).toBe(lost);
    expect(failure).not.toBeInstanceOf(ImportFailure);
  });

  it('ignores what zipping adds: folders, __MACOSX/ and AppleDouble files, .DS_Store', async () => {
    const member = await openZipMember(inMemory(corpusFile('macos-finder-folder.zip')), {
      maxBytes: 1 << 30,
    });
    expect(member).toMatchObject({
      kind: 'member',
      name: 'Preisliste Herbst/Artikel.csv',
      others: [],
      othersCount: 0,
    });
  });
});
