import { pipeline } from 'node:stream';
import { copyIn, imports, transaction, type Sql, type TransactionSql } from '@acme/db';
import { AppError, type TColumnMapping } from '@acme/shared';
import { createChunkFramer } from '../chunk-framer.ts';
import { enqueueImport } from '../enqueue-import.ts';
import { storedArchiveProblem } from '../file/stored-archive.ts';
import { readStoredHeader } from '../file/stored-header.ts';
import { mappingProblem, rememberMapping } from '../mapping/index.ts';

/** What the upload asks of the import besides its file (docs/contract.md section 2b). */
export interface UploadOptions {
  /** The column mapping to apply, or null to map by the header. */
  mapping: TColumnMapping | null;
  /** Stop in `review` after staging and classification instead of writing. */
  review: boolean;
}

export interface Upload {
  filename: string;
  /** The file's bytes as they arrive. */
  file: NodeJS.ReadableStream;
  /** A larger file is refused (413) as soon as it passes this. */
  maxBytes: number;
  /** Asked once the whole file is stored: the upload route reads its form fields after the body. */
  options: () => Promise<UploadOptions> | UploadOptions;
  /**
   * Why the file's first piece (empty for an empty file) shows it cannot be imported, or
   * undefined: the upload is then refused (400, nothing stored). With it, a zip archive is also
   * checked once stored (its directory: storedArchiveProblem). Without it anything is stored, and
   * the worker judges the file.
   */
  screen?: (head: Buffer) => string | undefined;
  /** Last check before the commit; throwing rolls the upload back (the route: is the client still there). */
  beforeCommit?: () => void;
}

/**
 * Upload → `queued`: streams the file into `import_file_chunks` inside one transaction that also
 * creates the import row and enqueues its job, so a refused, failed or aborted upload rolls back
 * and leaves nothing, even if this process dies, and the worker never sees a half-stored file.
 * Resolves with the new import's id. Nobody follows an import before its id exists, so there is
 * nothing to publish.
 */
export async function storeUpload(sql: Sql, upload: Upload): Promise<string> {
  return transaction(sql, async (tx) => {
    const [row] = await tx.db
      .insert(imports)
      .values({ filename: upload.filename })
      .returning({ id: imports.id });
    if (!row) throw new Error('insert into imports returned no row');
    // lz4 compresses CSV text about as well as the default pglz, at several times its speed
    // (pglz capped uploads at ~20 MiB/s here); used where the server was built with it.
    await tx.sql`
      select set_config('default_toast_compression', 'lz4', true) from pg_settings
      where name = 'default_toast_compression' and 'lz4' = any (enumvals)`;
    const framer = createChunkFramer({
      importId: row.id,
      maxBytes: upload.maxBytes,
      screen: upload.screen,
    });
    // An error on either side destroys the framer, which ends the COPY below with that error.
    pipeline(upload.file, framer.stream, () => {});
    await copyIn(
      tx.sql,
      tx.sql`copy import_file_chunks (import_id, seq, data) from stdin (format binary)`,
      framer.stream,
    );
    await tx.sql`update imports set bytes_total = ${framer.bytesReceived()} where id = ${row.id}`;
    if (upload.screen) {
      const problem = await storedArchiveProblem(tx.sql, row.id, upload.maxBytes);
      if (problem) throw new AppError('BAD_REQUEST', problem);
    }
    const options = await upload.options();
    await applyOptions(tx.sql, row.id, options, {
      remember: !options.review,
      maxBytes: upload.maxBytes,
    });
    await tx.sql`update imports set review = ${options.review} where id = ${row.id}`;
    await enqueueImport(tx.sql, row.id);
    // Last thing before the commit: nobody would learn of an import its client never saw.
    upload.beforeCommit?.();
    return row.id;
  });
}

/**
 * Stores what the upload asks on the import row. A mapping naming a column the file's header
 * lacks refuses the upload (400, nothing stored); one that fits is remembered for the next file
 * with these columns, unless the upload asked for review (then confirming it remembers it).
 */
async function applyOptions(
  tx: TransactionSql,
  importId: string,
  { mapping }: UploadOptions,
  options: { remember: boolean; maxBytes: number },
): Promise<void> {
  if (!mapping) return;
  const columns = await readStoredHeader(tx, importId, options.maxBytes);
  if (columns) {
    const problem = mappingProblem(columns, mapping);
    if (problem) throw new AppError('BAD_REQUEST', `${problem} Nothing was stored.`);
    if (options.remember) await rememberMapping(tx, columns, mapping);
  }
  await tx`update imports set mapping = ${JSON.stringify(mapping)}::jsonb where id = ${importId}`;
}
