import type { Sql, TransactionSql } from 'postgres';
import { openStoredFile } from '../file-chunks.ts';
import { ImportFailure } from '../import-failure.ts';
import { sniffFileKind } from './file-kind.ts';
import { openZipMember } from './zip-archive.ts';

/**
 * Why a stored upload that is a zip archive cannot be imported (none or several files to import,
 * encrypted, damaged, unzipping past `maxBytes`: zip-archive.ts), from its directory alone; undefined
 * when it can, or when the file is no zip archive. For refusing the upload at once rather than
 * failing its import later.
 */
export async function storedArchiveProblem(
  sql: Sql | TransactionSql,
  importId: string,
  maxBytes: number,
): Promise<string | undefined> {
  const [first] = await sql<{ data: Buffer }[]>`
    select data from import_file_chunks where import_id = ${importId} order by seq limit 1`;
  if (!first || sniffFileKind(first.data).kind !== 'zip') return undefined;
  try {
    await openZipMember(await openStoredFile(sql, importId), { maxBytes });
    return undefined;
  } catch (error) {
    if (error instanceof ImportFailure) return error.message;
    throw error;
  }
}
