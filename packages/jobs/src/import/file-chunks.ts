import type { Sql, TransactionSql } from 'postgres';
import type { RandomAccessFile } from './file/zip-archive.ts';

/**
 * Chunks fetched per query. A bytea arrives as hex text, each 1 MiB piece as a 2 MiB string
 * besides the message buffer: one piece a query kept the worker's peak RSS ~20 MB lower than
 * four while reading a 139 MiB file (docs/performance.md), and the parse, not the round trips,
 * sets the pace.
 */
const CHUNKS_PER_QUERY = 1;

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

/** Pieces of the stored file went while it was read (deleted meanwhile): no fault of the file. */
class StoredPiecesMissing extends Error {
  override name = 'StoredPiecesMissing';
  constructor(importId: string) {
    super(`import ${importId}: pieces of the stored file are missing`);
  }
}

/**
 * The uploaded file read by byte range (a zip archive's directory is at its end, zip-archive.ts):
 * the pieces' sizes first, then only the pieces a range covers, CHUNKS_PER_QUERY a query. The
 * last piece fetched is kept, since yauzl reads the directory a few bytes at a time.
 */
export async function openStoredFile(
  sql: Sql | TransactionSql,
  importId: string,
): Promise<RandomAccessFile> {
  const pieces = await sql<{ seq: number; bytes: number }[]>`
    select seq, octet_length(data) as bytes from import_file_chunks
    where import_id = ${importId} order by seq`;
  const starts: number[] = [];
  let size = 0;
  for (const piece of pieces) {
    starts.push(size);
    size += piece.bytes;
  }
  /** The index of the piece holding byte `at` (the last piece whose start is ≤ at). */
  const pieceAt = (at: number) => {
    let low = 0;
    let high = pieces.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (starts[middle]! <= at) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  let kept: { seq: number; data: Buffer } | undefined;
  const fetch = async (from: number, to: number): Promise<Buffer[]> => {
    const first = pieces[from]!.seq;
    if (from === to && kept?.seq === first) return [kept.data];
    const rows = await sql<{ seq: number; data: Buffer }[]>`
      select seq, data from import_file_chunks
      where import_id = ${importId} and seq between ${first} and ${pieces[to]!.seq}
      order by seq`;
    if (rows.length !== to - from + 1) throw new StoredPiecesMissing(importId);
    const last = rows.at(-1);
    if (last) kept = last;
    return rows.map((row) => row.data);
  };
  return {
    size,
    read: async function* (start, end) {
      let index = pieceAt(start);
      while (index < pieces.length && starts[index]! < end) {
        let to = index;
        while (to + 1 < pieces.length && to + 1 - index < CHUNKS_PER_QUERY && starts[to + 1]! < end)
          to++;
        for (const data of await fetch(index, to)) {
          const at = starts[index]!;
          yield data.subarray(Math.max(start - at, 0), Math.min(end - at, data.length));
          index++;
        }
      }
    },
  };
}
