import {
  eq,
  FRESH_IMPORT_PROGRESS,
  importErrors,
  imports,
  sql,
  transaction,
  type Sql,
} from '@acme/db';
import type { Bus } from '@acme/realtime';
import { AppError, type TImport } from '@acme/shared';
import { dropStagingTables } from '../catalogue-merge.ts';
import { enqueueImport, importJobKey } from '../enqueue-import.ts';
import { isJobRunningLive } from '../../liveness/worker-liveness.ts';
import { importNotFound, importStateColumns, isFinal, publishImport } from './import-state.ts';

interface RequestDeps {
  sql: Sql;
  bus: Bus;
}

/**
 * Cancels an import. One that no live worker is running (it has not started yet, waits for a
 * retry, or its worker died) is cancelled here and now, and its job removed (a job still locked
 * by a dead worker is disarmed: it will not run again). One that a live worker runs is only
 * flagged: graphile-worker cannot stop a running job, so the worker checks the flag between
 * batches, rolls its transaction back and records `cancelled` itself (`recordCancelled`). Asking
 * again while the flag is set changes nothing. An import waiting in `review` is discarded:
 * cancelled, and its staging tables dropped (the catalogue never saw it).
 */
export async function cancelImport(deps: RequestDeps, id: string): Promise<TImport> {
  const { state, changed } = await transaction(deps.sql, async (tx) => {
    // The row lock orders this against the worker's own updates of the same import.
    const [current] = await tx.db
      .select(importStateColumns)
      .from(imports)
      .where(eq(imports.id, id))
      .for('update');
    if (!current) throw importNotFound(id);
    if (isFinal(current)) {
      throw new AppError(
        'CONFLICT',
        `Import ${id} is already ${current.status}; there is nothing to cancel`,
      );
    }
    if (!(await isJobRunningLive(tx.sql, importJobKey(id)))) {
      const [cancelled] = await tx.db
        .update(imports)
        .set({
          status: 'cancelled',
          cancelRequested: true,
          finishedAt: sql`now()`,
          updatedAt: sql`now()`,
          version: sql`${imports.version} + 1`,
        })
        .where(eq(imports.id, id))
        .returning(importStateColumns);
      await tx.sql`select graphile_worker.remove_job(${importJobKey(id)})`;
      await dropStagingTables(tx.sql, id);
      return { state: cancelled ?? current, changed: true };
    }
    if (current.cancelRequested) return { state: current, changed: false };
    const [flagged] = await tx.db
      .update(imports)
      .set({
        cancelRequested: true,
        updatedAt: sql`now()`,
        version: sql`${imports.version} + 1`,
      })
      .where(eq(imports.id, id))
      .returning(importStateColumns);
    return { state: flagged ?? current, changed: true };
  });
  if (changed) await publishImport(deps.bus, state);
  return state;
}

/**
 * Runs an import again from the file it already stored (no second upload): one that failed or was
 * cancelled, or one still marked as working that no live worker runs (stuck: its worker died, or
 * it waits out a retry's backoff). It starts over as queued with zeroed counters and no errors,
 * and its job is enqueued in the same transaction (a job left locked by a dead worker is disarmed
 * by the new one taking its key).
 */
export async function retryImport(deps: RequestDeps, id: string): Promise<TImport> {
  const state = await transaction(deps.sql, async (tx) => {
    const [current] = await tx.db
      .select({ status: imports.status })
      .from(imports)
      .where(eq(imports.id, id))
      .for('update');
    if (!current) throw importNotFound(id);
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
    if (!reset) throw importNotFound(id);
    await enqueueImport(tx.sql, id);
    return reset;
  });
  await publishImport(deps.bus, state);
  return state;
}
