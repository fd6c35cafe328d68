import { eq, imports, isUndefinedTable, sql, transaction, type Db, type Sql } from '@acme/db';
import {
  dropStagingTables,
  enqueueImport,
  mappingProblem,
  rememberMapping,
  sameMapping,
  stagedChanges,
  stagedSample,
} from '@acme/jobs';
import type { Bus } from '@acme/realtime';
import {
  AppError,
  IMPORT_SAMPLE_ROWS,
  WORKING_IMPORT_STATUSES,
  type TColumnMapping,
  type TImport,
  type TImportChangesInput,
  type ZImportChangesInput,
} from '@acme/shared';
import type { z } from 'zod';
import { notFound } from '../errors.ts';
import { pageImportErrors } from './list-imports.ts';
import { getImport, importStateColumns, publishImport } from '@acme/jobs/import-state';

type Tx = Parameters<Parameters<typeof transaction>[1]>[0];

/**
 * Stages an import waiting in `review` again from its stored file with the mapping a person chose
 * (`imports.remap`): the mapping is stored as given, the staged rows dropped, and the import goes
 * back through `parsing` to `review` with a new preview. Also maps an import that waits in review
 * because its columns could not be mapped. A mapping that does not fit the file's columns changes
 * nothing.
 */
export async function remapImport(
  deps: { sql: Sql; bus: Bus },
  id: string,
  mapping: TColumnMapping,
): Promise<TImport> {
  const state = await transaction(deps.sql, async (tx) => {
    const current = await lockReview(tx, id, 'remapped');
    assertFits(current, mapping);
    return restage(tx, id, mapping, { confirm: false });
  });
  await publishImport(deps.bus, state);
  return state;
}

/**
 * Applies an import waiting in `review`: it goes back to `queued` with `confirmedAt` set, and its
 * job (enqueued in the same transaction) writes the rows the review staged, comparing them with
 * the catalogue again first if it changed since (the import then says so in its warnings). With a
 * mapping other than the one in force, the job stages the stored file again with it and writes
 * without stopping in review. The mapping in force is remembered for the file's columns in the
 * same transaction, so the next file with these columns maps itself.
 */
export async function confirmImport(
  deps: { sql: Sql; bus: Bus },
  id: string,
  mapping?: TColumnMapping,
): Promise<TImport> {
  const state = await transaction(deps.sql, async (tx) => {
    const current = await lockReview(tx, id, 'confirmed');
    if (mapping) assertFits(current, mapping);
    const newMapping =
      mapping && !(current.mapping && sameMapping(current.columns, current.mapping, mapping))
        ? mapping
        : undefined;
    if (!newMapping && !current.preview) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `Import ${id} cannot be applied yet: map its columns to sku and name first`,
      );
    }
    // A shop export's own mapping is not remembered: its profile recognises the next such file.
    if (newMapping) await rememberMapping(tx.sql, current.columns, newMapping);
    else if (current.mapping && current.mappingSource !== 'profile')
      await rememberMapping(tx.sql, current.columns, current.mapping);

    if (newMapping) return restage(tx, id, newMapping, { confirm: true });
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

/** The import, locked for this transaction, when it waits in review; refused otherwise. */
async function lockReview(tx: Tx, id: string, action: 'confirmed' | 'remapped') {
  const [current] = await tx.db
    .select({
      status: imports.status,
      columns: imports.columns,
      mapping: imports.mapping,
      mappingSource: imports.mappingSource,
      preview: imports.preview,
    })
    .from(imports)
    .where(eq(imports.id, id))
    .for('update');
  if (!current) throw notFound('Import', id);
  if (current.status !== 'review') {
    throw new AppError(
      'CONFLICT',
      `Import ${id} is ${current.status}; only an import waiting for review can be ${action}`,
    );
  }
  // In review the header has always been read (a file without one fails instead).
  return { ...current, columns: current.columns ?? [] };
}

/** A mapping must name columns the file has (matched trimmed, case-insensitively). */
function assertFits({ columns }: { columns: string[] }, mapping: TColumnMapping): void {
  const problem = mappingProblem(columns, mapping);
  if (problem) throw new AppError('BAD_REQUEST', `${problem} The import was not changed.`);
}

/**
 * Stores a person's mapping and queues the import to stage its stored file again with it; the
 * rows staged with the old mapping and their preview go, in the same transaction. Confirmed, its
 * job then writes without stopping in review.
 */
async function restage(
  tx: Tx,
  id: string,
  mapping: TColumnMapping,
  { confirm }: { confirm: boolean },
): Promise<TImport> {
  await dropStagingTables(tx.sql, id);
  const [queued] = await tx.db
    .update(imports)
    .set({
      status: 'queued',
      phase: null,
      mapping,
      mappingSource: 'given',
      preview: null,
      staged: null,
      confirmedAt: confirm ? sql`now()` : null,
      cancelRequested: false,
      updatedAt: sql`now()`,
      version: sql`${imports.version} + 1`,
    })
    .where(eq(imports.id, id))
    .returning(importStateColumns);
  if (!queued) throw notFound('Import', id);
  await enqueueImport(tx.sql, id);
  return queued;
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
    throw new AppError(
      'PRECONDITION_FAILED',
      `Import ${state.id} has no rows to show yet: map its columns to sku and name first`,
    );
  }
  throw stagingGone(state);
}

/** Why an import has no staged rows to list: its file is being read (again), or it is past review. */
function stagingGone(state: TImport): AppError {
  if (WORKING_IMPORT_STATUSES.includes(state.status) && !state.confirmedAt) {
    return new AppError(
      'PRECONDITION_FAILED',
      `Import ${state.id} is still reading its file; its rows can be listed once it waits for review`,
    );
  }
  return new AppError(
    'PRECONDITION_FAILED',
    state.status === 'review'
      ? `The staged rows of import ${state.id} are being prepared again; ask again in a moment`
      : `Import ${state.id} is ${state.status}: its rows are listed only while it waits for review` +
          (state.status === 'completed' ? ' (its counts say what it did)' : ''),
  );
}

async function recordedInvalidRows(
  db: Db,
  input: Required<Pick<TImportChangesInput, 'id' | 'page' | 'pageSize'>>,
) {
  const { items, total } = await pageImportErrors(db, input);
  return {
    items: items.map(({ line, sku, message }) => ({
      line,
      sku,
      error: message,
      after: null,
      before: null,
    })),
    total,
  };
}
