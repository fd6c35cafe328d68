import { transaction, type Sql } from '@acme/db';
import { enqueueImport } from './enqueue-import.ts';

/** Size of one stored piece of an uploaded file. */
export const FILE_CHUNK_BYTES = 1_048_576;

/**
 * Stores a file the way the upload route does (chunks, the `queued` row, the job, in one
 * transaction) for tests and the benchmark, which run without the HTTP route.
 */
export async function storeUpload(
  sql: Sql,
  filename: string,
  file: Buffer | Iterable<Buffer> | AsyncIterable<Buffer>,
  { review = false }: { review?: boolean } = {},
): Promise<string> {
  return transaction(sql, async ({ sql: tx }) => {
    const [row] = await tx<{ id: string }[]>`
      insert into imports (filename, status, review) values (${filename}, 'queued', ${review})
      returning id`;
    if (!row) throw new Error('insert into imports returned no row');
    let seq = 0;
    let bytes = 0;
    for await (const piece of rechunk(Buffer.isBuffer(file) ? [file] : file)) {
      await tx`insert into import_file_chunks (import_id, seq, data) values (${row.id}, ${seq++}, ${piece})`;
      bytes += piece.length;
    }
    await tx`update imports set bytes_total = ${bytes} where id = ${row.id}`;
    await enqueueImport(tx, row.id);
    return row.id;
  });
}

async function* rechunk(source: Iterable<Buffer> | AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const piece of source) {
    pending.push(piece);
    length += piece.length;
    while (length >= FILE_CHUNK_BYTES) {
      const all = Buffer.concat(pending);
      yield all.subarray(0, FILE_CHUNK_BYTES);
      pending = [all.subarray(FILE_CHUNK_BYTES)];
      length = all.length - FILE_CHUNK_BYTES;
    }
  }
  if (length > 0) yield Buffer.concat(pending);
}
