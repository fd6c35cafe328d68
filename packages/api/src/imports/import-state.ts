import { eq, imports, type Db } from '@acme/db';
import type { Bus } from '@acme/realtime';
import { FINAL_IMPORT_STATUSES, importChannel, type TImport } from '@acme/shared';
import { notFound } from '../errors.ts';

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

export async function getImport(db: Db, id: string): Promise<TImport> {
  const state = await findImport(db, id);
  if (!state) throw notFound('Import', id);
  return state;
}

export function isFinal(state: Pick<TImport, 'status'>): boolean {
  return FINAL_IMPORT_STATUSES.includes(state.status);
}

/**
 * Tells live subscribers about a committed change. Fire-and-forget like every bus message:
 * subscribers that miss it read the same state from Postgres.
 */
export async function publishImport(bus: Bus, state: TImport): Promise<void> {
  await bus.publish(importChannel(state.id), state);
}
