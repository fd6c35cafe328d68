import {
  FRESH_IMPORT_PROGRESS,
  and,
  eq,
  importErrors,
  imports,
  sql,
  transaction,
  type Db,
  type SQL,
  type Sql,
} from '@acme/db';
import { importChannel, ZImport, type TImport, type TImportStatus } from '@acme/shared';
import type { Bus } from '@acme/realtime';

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
  | 'rowsPerSecond'
  | 'percent'
  | 'warnings'
  | 'attempts'
  | 'heartbeatAt'
  | 'startedAt'
  | 'finishedAt';
/** Columns a worker changes; a value may be SQL (e.g. an increment). */
export type ImportPatch = { [K in PatchableColumn]?: ImportRow[K] | SQL };

const WORKING: readonly TImportStatus[] = ['queued', 'parsing', 'importing'];

export interface UpdatedImport {
  state: TImport;
  cancelRequested: boolean;
}

/**
 * Applies a change to an import that is still in progress (never to one already completed, failed
 * or cancelled), bumping `version`. Returns the new whole state, or undefined when the import is
 * gone or already final. Pass the transaction's drizzle view to make the change part of it.
 */
export async function updateImport(
  db: Db,
  id: string,
  patch: ImportPatch,
): Promise<UpdatedImport | undefined> {
  const [row] = await db
    .update(imports)
    .set({ ...patch, version: sql`${imports.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(imports.id, id), sql`${imports.status} in ${WORKING}`))
    .returning();
  if (!row) return undefined;
  return { state: ZImport.parse(row), cancelRequested: row.cancelRequested };
}

/**
 * Live update for subscribers. Fire-and-forget: the state is already durable in Postgres, and
 * the bus never throws (a Redis outage drops the message with a throttled warning).
 */
export function publishImport(bus: Bus, state: TImport): void {
  void bus.publish(importChannel(state.id), state);
}

/**
 * Starts an attempt from scratch (a retry, or a rescue after a worker died): status `parsing`,
 * counters and warnings reset, the previous attempt's error rows deleted. Undefined when there is
 * nothing to do (the import is gone or already final, e.g. a duplicate job).
 */
export async function startAttempt(pool: Sql, id: string): Promise<UpdatedImport | undefined> {
  return transaction(pool, async ({ db }) => {
    const updated = await updateImport(db, id, {
      ...FRESH_IMPORT_PROGRESS,
      status: 'parsing',
      attempts: sql`${imports.attempts} + 1`,
      heartbeatAt: new Date(),
      startedAt: new Date(),
      finishedAt: null,
    });
    if (updated) await db.delete(importErrors).where(eq(importErrors.importId, id));
    return updated;
  });
}
