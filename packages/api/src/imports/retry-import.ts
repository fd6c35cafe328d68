import { TRPCError } from '@trpc/server';
import {
  eq,
  FRESH_IMPORT_PROGRESS,
  importErrors,
  imports,
  sql,
  transaction,
  type Sql,
} from '@acme/db';
import { enqueueImport } from '@acme/jobs';
import type { Bus } from '@acme/realtime';
import type { TImport } from '@acme/shared';
import { notFound } from '../errors.ts';
import { importStateColumns, publishImport } from './import-state.ts';

const RETRYABLE: readonly TImport['status'][] = ['failed', 'cancelled'];

/**
 * Runs a failed or cancelled import again from the file it already stored (no second upload):
 * the import starts over as queued with zeroed counters and no errors, and a new job is enqueued
 * in the same transaction.
 */
export async function retryImport(deps: { sql: Sql; bus: Bus }, id: string): Promise<TImport> {
  const state = await transaction(deps.sql, async (tx) => {
    const [current] = await tx.db
      .select({ status: imports.status })
      .from(imports)
      .where(eq(imports.id, id))
      .for('update');
    if (!current) throw notFound('Import', id);
    if (!RETRYABLE.includes(current.status)) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: `Only a failed or cancelled import can be retried; import ${id} is ${current.status}`,
      });
    }
    const [file] = await tx.sql<{ stored: boolean }[]>`
      select exists (select 1 from import_file_chunks where import_id = ${id}) as stored`;
    if (!file?.stored) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: `The file of import ${id} is no longer stored; upload it again`,
      });
    }
    await tx.db.delete(importErrors).where(eq(importErrors.importId, id));
    const [reset] = await tx.db
      .update(imports)
      .set({
        ...FRESH_IMPORT_PROGRESS,
        status: 'queued',
        cancelRequested: false,
        heartbeatAt: null,
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
