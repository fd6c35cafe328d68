import { Readable } from 'node:stream';
import type { Sql, TransactionSql } from 'postgres';
import { openStoredFile } from '../file-chunks.ts';
import type { CsvRecord } from './csv-records.ts';
import { openRecordSource } from './record-source.ts';
import { isTitleLine, MAX_TITLE_LINES } from './title-lines.ts';

/**
 * The header names (trimmed) of a stored upload, read as the worker will read them (gzip, zip,
 * encoding, delimiter), from its first stored piece (1 MiB; a zip archive's member from its
 * start): for checking a mapping given with
 * the upload before anything is committed. Null when that piece does not hold a readable header
 * (an empty or binary file, a header over 1 MiB): the import itself will say what is wrong.
 */
export async function readStoredHeader(
  sql: Sql | TransactionSql,
  importId: string,
  maxBytes: number,
): Promise<string[] | null> {
  const [first] = await sql<{ data: Buffer }[]>`
    select data from import_file_chunks where import_id = ${importId} order by seq limit 1`;
  if (!first) return null;
  const stop = new AbortController();
  try {
    const source = await openRecordSource(Readable.from([first.data]), {
      maxBytes,
      signal: stop.signal,
      // A zip archive's member is found through its directory, at the end of the file.
      randomAccess: () => openStoredFile(sql, importId),
    });
    // As the import reads it: title lines above the header are skipped (title-lines.ts).
    let firstRecord: CsvRecord | undefined;
    let titles = 0;
    for await (const record of source.records as AsyncIterable<CsvRecord>) {
      firstRecord ??= record;
      if (!record.error && isTitleLine(record.fields) && titles++ < MAX_TITLE_LINES) continue;
      if (titles > MAX_TITLE_LINES) break; // still no header after ten such lines: the first is it
      return record.error ? null : record.fields.map((field) => field.trim());
    }
    return firstRecord && !firstRecord.error
      ? firstRecord.fields.map((field) => field.trim())
      : null;
  } catch {
    return null;
  } finally {
    stop.abort();
  }
}
