import type { Sql } from 'postgres';

/** Chunks fetched per query: ~4 MiB in flight at most, whatever the file's size. */
const CHUNKS_PER_QUERY = 4;

/**
 * The uploaded file, streamed in order from `import_file_chunks` (stored by the upload as ~1 MiB
 * pieces), a few pieces at a time: the whole file is never in memory, and the file reaches any
 * worker through Postgres, with no shared disk. Reads on the pool, not the import's transaction,
 * whose connection is busy with COPY.
 */
export async function* readFileChunks(sql: Sql, importId: string): AsyncGenerator<Buffer> {
  let after = -1;
  for (;;) {
    const rows = await sql<{ seq: number; data: Buffer }[]>`
      select seq, data from import_file_chunks
      where import_id = ${importId} and seq > ${after}
      order by seq
      limit ${CHUNKS_PER_QUERY}`;
    for (const row of rows) yield row.data;
    const last = rows.at(-1);
    if (!last || rows.length < CHUNKS_PER_QUERY) return;
    after = last.seq;
  }
}
