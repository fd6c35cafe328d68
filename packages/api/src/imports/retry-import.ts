import {
  eq,
  FRESH_IMPORT_PROGRESS,
  importErrors,
  imports,
  sql,
  transaction,
  type Sql,
} from '@acme/db';
import { enqueueImport, importJobKey, isJobRunningLive } from '@acme/jobs';
import type { Bus } from '@acme/realtime';
import { AppError, type TImport } from '@acme/shared';
import { notFound } from '../errors.ts';
import { importStateColumns, isFinal, publishImport } from './import-state.ts';

/**
 * Runs an import again from the file it already stored (no second upload): one that failed or was
 * cancelled, or one still marked as working that no live worker runs (stuck: its worker died, or
 * it waits out a retry's backoff). It starts over as queued with zeroed counters and no errors,
 * and its job is enqueued in the same transaction (a job left locked by a dead worker is disarmed
 * by the new one taking its key).
 */
export async function retryImport(deps: { sql: Sql; bus: Bus }, id: string): Promise<TImport> {
  const state = await transaction(deps.sql, async (tx) => {
    const [current] = await tx.db
      .select({ status: imports.status })
      .from(imports)
      .where(eq(imports.id, id))
      .for('update');
    if (!current) throw notFound('Import', id);
    if (current.status === 'completed') {
      throw new AppError(
        'CONFLICT',
        `Import ${id} is completed; upload the file again to import it again`,
      );
    }
    if (current.status === 'review') {
      throw new AppError('CONFLICT', `Import ${id} is waiting for review; confirm or cancel it`);
    }
    if (!isFinal(current) && (await isJobRunningLive(tx.sql, importJobKey(id)))) {
      throw new AppError(
        'CONFLICT',
        `Import ${id} is ${current.status} on a live worker; cancel it first to run it again`,
      );
    }
    const [file] = await tx.sql<{ stored: boolean }[]>`
      select exists (select 1 from import_file_chunks where import_id = ${id}) as stored`;
    if (!file?.stored) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `The file of import ${id} is no longer stored; upload it again`,
      );
    }
    await tx.db.delete(importErrors).where(eq(importErrors.importId, id));
    const [reset] = await tx.db
      .update(imports)
      .set({
        ...FRESH_IMPORT_PROGRESS,
        status: 'queued',
        // Reviewed imports go through review again: the catalogue may have moved on.
        preview: null,
        staged: null,
        confirmedAt: null,
        cancelRequested: false,
        heartbeatAt: null,
        interruptions: [],
        startedAt: null,
        finishedAt: null,
        updatedAt: sql`now()`,
        // attempts counts runs: the job adds one when it starts.
        version: sql`${imports.version} + 1`,
      })
      .where(eq(imports.id, id))
      .returning(importStateColumns);
    if (!reset) throw notFound('Import', id);
    await enqueueImport(tx.sql, id);
    return reset;
  });
  await publishImport(deps.bus, state);
  return state;
}
