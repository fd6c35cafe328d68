import { and, eq, imports, sql, type Db, type SQL } from '@acme/db';
import type { Bus } from '@acme/realtime';
import {
  AppError,
  FINAL_IMPORT_STATUSES,
  importChannel,
  WORKING_IMPORT_STATUSES,
  ZImport,
  type TImport,
  type TImportStatus,
} from '@acme/shared';

/** The columns that make up an import's public state (`ZImport`), for selects and `returning`. */
export const importStateColumns = {
  id: imports.id,
  filename: imports.filename,
  status: imports.status,
  error: imports.error,
  bytesTotal: imports.bytesTotal,
  bytesProcessed: imports.bytesProcessed,
  rowsProcessed: imports.rowsProcessed,
  created: imports.created,
  updated: imports.updated,
  unchanged: imports.unchanged,
  invalid: imports.invalid,
  duplicates: imports.duplicates,
  blank: imports.blank,
  format: imports.format,
  columns: imports.columns,
  mapping: imports.mapping,
  mappingSource: imports.mappingSource,
  suggestions: imports.suggestions,
  rowsPerSecond: imports.rowsPerSecond,
  percent: imports.percent,
  phase: imports.phase,
  rowsToWrite: imports.rowsToWrite,
  rowsWritten: imports.rowsWritten,
  interruptions: imports.interruptions,
  warnings: imports.warnings,
  cancelRequested: imports.cancelRequested,
  review: imports.review,
  preview: imports.preview,
  confirmedAt: imports.confirmedAt,
  attempts: imports.attempts,
  version: imports.version,
  createdAt: imports.createdAt,
  startedAt: imports.startedAt,
  finishedAt: imports.finishedAt,
  revertibleUntil: imports.revertibleUntil,
  revertedAt: imports.revertedAt,
};

export async function findImport(db: Db, id: string): Promise<TImport | undefined> {
  const [row] = await db.select(importStateColumns).from(imports).where(eq(imports.id, id));
  return row;
}

/** The import's state; NOT_FOUND when there is no such import. */
export async function getImport(db: Db, id: string): Promise<TImport> {
  const state = await findImport(db, id);
  if (!state) throw importNotFound(id);
  return state;
}

export function importNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', `Import ${id} does not exist`);
}

export function isFinal(state: Pick<TImport, 'status'>): boolean {
  return FINAL_IMPORT_STATUSES.includes(state.status);
}

/**
 * Tells live subscribers about a committed change. Never rejects: the state is already durable in
 * Postgres, and the bus drops a message it cannot send (a Redis outage) with a throttled warning;
 * subscribers that miss it read the same state from Postgres.
 */
export async function publishImport(bus: Bus, state: TImport): Promise<void> {
  await bus.publish(importChannel(state.id), state);
}

type ImportRow = typeof imports.$inferInsert;
type PatchableColumn =
  | 'status'
  | 'error'
  | 'bytesProcessed'
  | 'rowsProcessed'
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'invalid'
  | 'duplicates'
  | 'blank'
  | 'format'
  | 'columns'
  | 'mapping'
  | 'mappingSource'
  | 'suggestions'
  | 'rowsPerSecond'
  | 'percent'
  | 'phase'
  | 'rowsToWrite'
  | 'rowsWritten'
  | 'interruptions'
  | 'warnings'
  | 'preview'
  | 'attempts'
  | 'heartbeatAt'
  | 'startedAt'
  | 'finishedAt'
  | 'journaledAt'
  | 'revertibleUntil';
/** Columns a worker changes; a value may be SQL (e.g. an increment). */
export type ImportPatch = { [K in PatchableColumn]?: ImportRow[K] | SQL };

export interface UpdatedImport {
  state: TImport;
  cancelRequested: boolean;
}

/**
 * Applies a change to an import that is still in progress (never to one already completed, failed
 * or cancelled, nor by default to one waiting in `review`, which no worker owns), bumping
 * `version`. Returns the new whole state, or undefined when the import is gone or in none of the
 * `from` statuses. Pass the transaction's drizzle view to make the change part of it.
 */
export async function updateImport(
  db: Db,
  id: string,
  patch: ImportPatch,
  from: readonly TImportStatus[] = WORKING_IMPORT_STATUSES,
): Promise<UpdatedImport | undefined> {
  const [row] = await db
    .update(imports)
    .set({ ...patch, version: sql`${imports.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(imports.id, id), sql`${imports.status} in ${from}`))
    .returning();
  if (!row) return undefined;
  return { state: ZImport.parse(row), cancelRequested: row.cancelRequested };
}

/** Most earlier attempts an import remembers (the newest ones). */
const MAX_INTERRUPTIONS = 20;

/** SQL that appends why an attempt stopped to the import's `interruptions`, keeping the newest. */
export function appendInterruption({
  attempt,
  reason,
}: {
  attempt: number | SQL;
  reason: string;
}): SQL {
  return sql`(
    select coalesce(jsonb_agg(entry order by n), '[]'::jsonb)
    from jsonb_array_elements(
      ${imports.interruptions} || jsonb_build_array(jsonb_build_object(
        'attempt', ${attempt}::int, 'reason', ${reason}::text, 'at', now()))
    ) with ordinality as e(entry, n)
    where n > jsonb_array_length(${imports.interruptions}) + 1 - ${MAX_INTERRUPTIONS})`;
}
