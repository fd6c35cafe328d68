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
import {
  importChannel,
  WORKING_IMPORT_STATUSES,
  ZImport,
  type TImport,
  type TImportStatus,
} from '@acme/shared';
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

/**
 * Live update for subscribers. Fire-and-forget: the state is already durable in Postgres, and
 * the bus never throws (a Redis outage drops the message with a throttled warning).
 */
export function publishImport(bus: Bus, state: TImport): void {
  void bus.publish(importChannel(state.id), state);
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

/** Said of an attempt that stopped without recording why: its process or connection died. */
export const SILENT_STOP_REASON =
  'the worker stopped without finishing it (killed, or its database connection was lost)';

/**
 * Starts an attempt from scratch (a retry, or a rescue after a worker died): status `parsing`,
 * counters and warnings reset, the previous attempt's error rows deleted. An import still
 * `parsing` or `importing` here had an attempt that died without a word: that is recorded among
 * its interruptions. `startedAt` stays that of the first attempt, so the duration shown runs
 * across attempts. Undefined when there is nothing to do (the import is gone or already final,
 * e.g. a duplicate job).
 */
export async function startAttempt(pool: Sql, id: string): Promise<UpdatedImport | undefined> {
  return transaction(pool, async ({ db }) => {
    const updated = await updateImport(db, id, {
      ...FRESH_IMPORT_PROGRESS,
      status: 'parsing',
      phase: 'reading',
      interruptions: sql`case when ${imports.status} in ('parsing', 'importing')
        then ${appendInterruption({ attempt: sql`${imports.attempts}`, reason: SILENT_STOP_REASON })}
        else ${imports.interruptions} end`,
      attempts: sql`${imports.attempts} + 1`,
      // A confirmed review keeps the preview it was confirmed on, to compare with the result.
      preview: sql`case when ${imports.confirmedAt} is null then null else ${imports.preview} end`,
      heartbeatAt: new Date(),
      startedAt: sql`coalesce(${imports.startedAt}, now())`,
      finishedAt: null,
    });
    if (updated) await db.delete(importErrors).where(eq(importErrors.importId, id));
    return updated;
  });
}
