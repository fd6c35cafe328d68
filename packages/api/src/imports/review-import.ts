import { TRPCError } from '@trpc/server';
import {
  eq,
  importErrors,
  imports,
  isUndefinedTable,
  sql,
  transaction,
  asc,
  type Db,
  type Sql,
} from '@acme/db';
import { enqueueImport, stagedChanges, stagedSample } from '@acme/jobs';
import type { Bus } from '@acme/realtime';
import {
  IMPORT_SAMPLE_ROWS,
  type TImport,
  type TImportChangesInput,
  type ZImportChangesInput,
} from '@acme/shared';
import type { z } from 'zod';
import { notFound } from '../errors.ts';
import { getImport, importStateColumns, publishImport } from './import-state.ts';

/**
 * Applies an import waiting in `review`: it goes back to `queued` with `confirmedAt` set, and its
 * job (enqueued in the same transaction) writes the rows the review staged, comparing them with
 * the catalogue again first if it changed since (the import then says so in its warnings).
 */
export async function confirmImport(deps: { sql: Sql; bus: Bus }, id: string): Promise<TImport> {
  const state = await transaction(deps.sql, async (tx) => {
    const [current] = await tx.db
      .select({ status: imports.status, preview: imports.preview })
      .from(imports)
      .where(eq(imports.id, id))
      .for('update');
    if (!current) throw notFound('Import', id);
    if (current.status !== 'review') {
      throw new TRPCError({
        code: 'CONFLICT',
        message: `Import ${id} is ${current.status}; only an import waiting for review can be confirmed`,
      });
    }
    if (!current.preview) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: `Import ${id} cannot be applied yet: map its columns to sku and name first`,
      });
    }
    const [confirmed] = await tx.db
      .update(imports)
      .set({
        status: 'queued',
        confirmedAt: sql`now()`,
        cancelRequested: false,
        updatedAt: sql`now()`,
        version: sql`${imports.version} + 1`,
      })
      .where(eq(imports.id, id))
      .returning(importStateColumns);
    if (!confirmed) throw notFound('Import', id);
    await enqueueImport(tx.sql, id);
    return confirmed;
  });
  await publishImport(deps.bus, state);
  return state;
}

/**
 * The rows of one kind of an import in review, from its staging tables (`imports.changes`). Once
 * the import has written, its invalid rows are still listed (from its error list); the other
 * kinds are gone with the staging tables, which is said in words.
 */
export async function listImportChanges(
  deps: { sql: Sql; db: Db },
  input: z.output<typeof ZImportChangesInput>,
) {
  const { id, kind, page, pageSize } = input;
  const state = await getImport(deps.db, id);
  if (kind === 'invalid' && state.status === 'completed') {
    return { ...(await recordedInvalidRows(deps.db, input)), page, pageSize };
  }
  assertStaged(state);
  try {
    return { ...(await stagedChanges(deps.sql, id, { kind, page, pageSize })), page, pageSize };
  } catch (error) {
    if (isUndefinedTable(error)) throw stagingGone(await getImport(deps.db, id));
    throw error;
  }
}

/** The file's first valid rows as the import will store them (`imports.sample`). */
export async function importSample(deps: { sql: Sql; db: Db }, id: string) {
  const state = await getImport(deps.db, id);
  assertStaged(state);
  try {
    return { items: await stagedSample(deps.sql, id, IMPORT_SAMPLE_ROWS) };
  } catch (error) {
    if (isUndefinedTable(error)) throw stagingGone(await getImport(deps.db, id));
    throw error;
  }
}

/** Staged rows are there to read only while the import waits in review with a preview. */
function assertStaged(state: TImport): void {
  if (state.status === 'review' && state.preview) return;
  if (state.status === 'review') {
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `Import ${state.id} has no rows to show yet: map its columns to sku and name first`,
    });
  }
  if (state.status === 'queued' || state.status === 'parsing') {
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `Import ${state.id} is still reading its file; its rows can be listed once it waits for review`,
    });
  }
  throw stagingGone(state);
}

function stagingGone(state: TImport): TRPCError {
  return new TRPCError({
    code: 'PRECONDITION_FAILED',
    message:
      state.status === 'review'
        ? `The staged rows of import ${state.id} are being prepared again; ask again in a moment`
        : `Import ${state.id} is ${state.status}: its rows are listed only while it waits for review` +
          (state.status === 'completed' ? ' (its counts say what it did)' : ''),
  });
}

async function recordedInvalidRows(
  db: Db,
  { id, page, pageSize }: Required<Pick<TImportChangesInput, 'id' | 'page' | 'pageSize'>>,
) {
  const where = eq(importErrors.importId, id);
  const [rows, [totals]] = await Promise.all([
    db
      .select({ line: importErrors.line, sku: importErrors.sku, error: importErrors.message })
      .from(importErrors)
      .where(where)
      .orderBy(asc(importErrors.line), asc(importErrors.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(importErrors)
      .where(where),
  ]);
  return {
    items: rows.map((row) => ({ ...row, after: null, before: null })),
    total: totals?.total ?? 0,
  };
}
