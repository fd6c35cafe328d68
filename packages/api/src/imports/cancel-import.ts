import { eq, imports, sql, transaction, type Sql } from '@acme/db';
import { dropStagingTables, importJobKey, isJobRunningLive } from '@acme/jobs';
import type { Bus } from '@acme/realtime';
import { AppError, type TImport } from '@acme/shared';
import { notFound } from '../errors.ts';
import { importStateColumns, isFinal, publishImport } from './import-state.ts';

/**
 * Cancels an import. One that no live worker is running (it has not started yet, waits for a
 * retry, or its worker died) is cancelled here and now, and its job removed (a job still locked
 * by a dead worker is disarmed: it will not run again). One that a live worker runs is only
 * flagged: graphile-worker cannot stop a running job, so the worker checks the flag between
 * batches, rolls its transaction back and records `cancelled` itself. Asking again while the
 * flag is set changes nothing. An import waiting in `review` is discarded: cancelled, and its
 * staging tables dropped (the catalogue never saw it).
 */
export async function cancelImport(deps: { sql: Sql; bus: Bus }, id: string): Promise<TImport> {
  const { state, changed } = await transaction(deps.sql, async (tx) => {
    // The row lock orders this against the worker's own updates of the same import.
    const [current] = await tx.db
      .select(importStateColumns)
      .from(imports)
      .where(eq(imports.id, id))
      .for('update');
    if (!current) throw notFound('Import', id);
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
