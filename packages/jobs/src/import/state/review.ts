import { eq, imports, sql, transaction, type SQL, type Sql, type Transaction } from '@acme/db';
import type { Bus } from '@acme/realtime';
import { AppError, type TColumnMapping, type TImport } from '@acme/shared';
import { dropStagingTables } from '../catalogue-merge.ts';
import { enqueueImport } from '../enqueue-import.ts';
import { mappingProblem, rememberMapping, sameMapping } from '../mapping/index.ts';
import { importNotFound, importStateColumns, publishImport } from './import-state.ts';

// An import waiting in `review`: a person applies it (`imports.confirm`) or stages it again with
// another mapping (`imports.remap`), each committing with its job; or nobody does, and
// `history:prune` ends it (`expireReviews`). Each then publishes the new state.

interface ReviewDeps {
  sql: Sql;
  bus: Bus;
}

/**
 * Stages an import waiting in `review` again from its stored file with the mapping a person chose
 * (`imports.remap`): the mapping is stored as given, the staged rows dropped, and the import goes
 * back through `parsing` to `review` with a new preview. Also maps an import that waits in review
 * because its columns could not be mapped. A mapping that does not fit the file's columns changes
 * nothing.
 */
export async function remapImport(
  deps: ReviewDeps,
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
  deps: ReviewDeps,
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
    return requeue(tx, id, { confirmedAt: sql`now()` });
  });
  await publishImport(deps.bus, state);
  return state;
}

/** The import, locked for this transaction, when it waits in review; refused otherwise. */
async function lockReview(tx: Transaction, id: string, action: 'confirmed' | 'remapped') {
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
  if (!current) throw importNotFound(id);
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
  tx: Transaction,
  id: string,
  mapping: TColumnMapping,
  { confirm }: { confirm: boolean },
): Promise<TImport> {
  await dropStagingTables(tx.sql, id);
  return requeue(tx, id, {
    phase: null,
    mapping,
    mappingSource: 'given',
    preview: null,
    staged: null,
    confirmedAt: confirm ? sql`now()` : null,
  });
}

type ImportRow = typeof imports.$inferInsert;
type ReviewColumn = 'phase' | 'mapping' | 'mappingSource' | 'preview' | 'staged' | 'confirmedAt';
/** What leaving review changes besides the status; `confirmedAt` may be SQL (`now()`). */
type ReviewPatch = { [K in ReviewColumn]?: ImportRow[K] | SQL };

/** Back to `queued` with the review's changes, and its job enqueued in the same transaction. */
async function requeue(tx: Transaction, id: string, patch: ReviewPatch): Promise<TImport> {
  const [queued] = await tx.db
    .update(imports)
    .set({
      ...patch,
      status: 'queued',
      cancelRequested: false,
      updatedAt: sql`now()`,
      version: sql`${imports.version} + 1`,
    })
    .where(eq(imports.id, id))
    .returning(importStateColumns);
  if (!queued) throw importNotFound(id);
  await enqueueImport(tx.sql, id);
  return queued;
}

/**
 * An import left in `review` this long without a confirm or a cancel is cancelled, and its staging
 * tables (a copy of the file's rows) dropped; its file stays for a retry like any cancelled one.
 */
export const REVIEW_EXPIRY_HOURS = 24;
export const REVIEW_EXPIRED =
  'Cancelled after waiting 24 hours for review; retry it to review it again.';

/**
 * Cancels the imports abandoned in review (`history:prune`) and drops their staging tables, in one
 * transaction; returns how many.
 */
export async function expireReviews(deps: ReviewDeps, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - REVIEW_EXPIRY_HOURS * 60 * 60 * 1000).toISOString();
  const expired = await transaction(deps.sql, async (tx) => {
    const cancelled = await tx.db
      .update(imports)
      .set({
        status: 'cancelled',
        finishedAt: sql`now()`,
        updatedAt: sql`now()`,
        version: sql`${imports.version} + 1`,
        warnings: sql`${imports.warnings} || jsonb_build_array(${REVIEW_EXPIRED}::text)`,
      })
      .where(sql`${imports.status} = 'review' and ${imports.updatedAt} < ${cutoff}::timestamptz`)
      .returning(importStateColumns);
    for (const { id } of cancelled) await dropStagingTables(tx.sql, id);
    return cancelled;
  });
  for (const state of expired) await publishImport(deps.bus, state);
  return expired.length;
}
