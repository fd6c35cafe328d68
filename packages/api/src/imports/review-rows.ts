import { eq, imports, isUndefinedTable, type Db, type Sql } from '@acme/db';
import { stagedChanges, stagedSample } from '@acme/jobs/staged-rows';
import {
  AppError,
  IMPORT_SAMPLE_ROWS,
  WORKING_IMPORT_STATUSES,
  type TImport,
  type TImportActiveValues,
  type TImportChangesInput,
  type ZImportChangesInput,
} from '@acme/shared';
import type { z } from 'zod';
import { pageImportErrors } from './list-imports.ts';
import { getImport } from '@acme/jobs/import-state';

// What a person reads of an import in review; confirming or remapping it is a transition of its
// state (`confirmImport`, `remapImport` in @acme/jobs/import-state).

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

/**
 * The distinct values of the column mapped to `active`, counted while the file was staged, each
 * with how the mapping in force reads it (`imports.activeValues`), so a person can map the ones
 * not understood. Only while the import waits in review with a preview, like its rows.
 */
export async function importActiveValues(
  deps: { db: Db },
  id: string,
): Promise<TImportActiveValues> {
  const state = await getImport(deps.db, id);
  assertStaged(state);
  const column = state.mapping?.active ?? null;
  if (column === null) return { column, items: [], more: false };
  const [row] = await deps.db
    .select({ staged: imports.staged })
    .from(imports)
    .where(eq(imports.id, id));
  return {
    column,
    items: row?.staged?.activeValues ?? [],
    more: row?.staged?.activeValuesMore ?? false,
  };
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
