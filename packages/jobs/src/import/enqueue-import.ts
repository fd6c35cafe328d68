import type { Sql, TransactionSql } from 'postgres';
import { enqueueJob } from '../enqueue.ts';

export const PROCESS_CSV_IMPORT = 'import:process_csv';

/** graphile-worker runs the jobs of one named queue one at a time: imports never interleave. */
export const IMPORT_QUEUE = 'imports';

/**
 * Attempts of one import job. User-data problems (a missing column, a broken quote) end the job
 * as `failed` without a retry; these attempts absorb infrastructure trouble (a lost connection, a
 * worker killed mid-import and rescued by `import:rescue_stalled`).
 */
export const IMPORT_MAX_ATTEMPTS = 5;

export const IMPORT_JOB_KEY_PREFIX = 'import:';

/** The graphile-worker job key of an import's job: at most one waiting job per import. */
export const importJobKey = (importId: string): string => `${IMPORT_JOB_KEY_PREFIX}${importId}`;

/**
 * Enqueues the background processing of an uploaded import. Call it in the transaction that
 * stores the file and inserts the `imports` row (status `queued`), so the job exists exactly when
 * the upload does; call it again to retry a failed or cancelled import after resetting its row.
 */
export async function enqueueImport(sql: Sql | TransactionSql, importId: string): Promise<void> {
  await enqueueJob(
    sql,
    PROCESS_CSV_IMPORT,
    { importId },
    { queueName: IMPORT_QUEUE, jobKey: importJobKey(importId), maxAttempts: IMPORT_MAX_ATTEMPTS },
  );
}
