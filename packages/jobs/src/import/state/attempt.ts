import {
  eq,
  FRESH_IMPORT_PROGRESS,
  importErrors,
  imports,
  sql,
  transaction,
  type Db,
  type Sql,
} from '@acme/db';
import type { Bus } from '@acme/realtime';
import { WORKING_IMPORT_STATUSES, type TImport } from '@acme/shared';
import { emitEvent } from '../../events.ts';
import { enqueueImport } from '../enqueue-import.ts';
import type { MappingNeeded } from '../import-failure.ts';
import {
  appendInterruption,
  publishImport,
  updateImport,
  type ImportPatch,
  type UpdatedImport,
} from './import-state.ts';

// The worker's side of an import's life: each transition commits, then publishes the new state
// without waiting for the bus (a job never waits on Redis).

export interface StateStore {
  sql: Sql;
  bus: Bus;
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
export async function startAttempt(
  { sql: pool, bus }: StateStore,
  id: string,
): Promise<UpdatedImport | undefined> {
  const started = await transaction(pool, async ({ db }) => {
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
  if (started) void publishImport(bus, started.state);
  return started;
}

/**
 * The attempt staged and classified an import that asked for review: it waits in `review` with
 * what `patch` says (its counts and preview), owned by no worker. Pass the drizzle view it runs
 * on; the caller publishes the result. Undefined when the import is gone or left the working
 * states meanwhile.
 */
export function enterReview(
  db: Db,
  id: string,
  patch: ImportPatch,
): Promise<UpdatedImport | undefined> {
  return updateImport(db, id, { ...patch, status: 'review', phase: null, heartbeatAt: null });
}

/**
 * The attempt wrote the catalogue: the import is `completed` with what `patch` says (its counts).
 * Call it in the write's transaction, so the state commits with the catalogue; the caller
 * publishes the result once committed. Undefined when the import left the working states
 * meanwhile (the write must then roll back).
 */
export function completeImport(
  db: Db,
  id: string,
  patch: ImportPatch,
): Promise<UpdatedImport | undefined> {
  const now = new Date();
  return updateImport(db, id, {
    ...patch,
    status: 'completed',
    phase: null,
    percent: 100,
    heartbeatAt: now,
    finishedAt: now,
  });
}

/**
 * Writes a running attempt's progress (with its heartbeat) and publishes it. Undefined when the
 * import left the working states; `cancelRequested` says whether the user asked to cancel.
 */
export async function recordProgress(
  db: Db,
  bus: Bus,
  id: string,
  patch: ImportPatch,
): Promise<UpdatedImport | undefined> {
  const updated = await updateImport(db, id, { ...patch, heartbeatAt: new Date() });
  if (updated) void publishImport(bus, updated.state);
  return updated;
}

/** Publishes a state a transition returned to its caller, once that caller's transaction committed. */
export function announceImport(bus: Bus, state: TImport): void {
  void publishImport(bus, state);
}

/** Ends an import as `failed` with a message for the user, and its `import.failed` event. */
export async function failImport(
  { sql, bus }: StateStore,
  id: string,
  error: string,
): Promise<TImport | undefined> {
  const state = await transaction(sql, async ({ sql: tx, db }) => {
    const updated = await updateImport(db, id, {
      status: 'failed',
      error,
      rowsPerSecond: 0,
      finishedAt: new Date(),
    });
    if (updated)
      await emitEvent(tx, 'import.failed', { id, filename: updated.state.filename, error });
    return updated?.state;
  });
  if (state) void publishImport(bus, state);
  return state;
}

/**
 * Records a cancel the worker noticed: the import ends as `cancelled` (its transaction already
 * rolled back, so the catalogue is as before); also one that reached `review` just as its cancel
 * was asked for.
 */
export async function recordCancelled(
  { sql, bus }: StateStore,
  id: string,
): Promise<TImport | undefined> {
  const updated = await transaction(sql, ({ db }) =>
    updateImport(db, id, { status: 'cancelled', rowsPerSecond: 0, finishedAt: new Date() }, [
      ...WORKING_IMPORT_STATUSES,
      'review',
    ]),
  );
  if (updated) void publishImport(bus, updated.state);
  return updated?.state;
}

/**
 * An import that asked for review but whose sku or name column cannot be mapped: it waits in
 * `review` with the file's columns and the suggestions, and no preview until the user maps them
 * (`imports.confirm` or `imports.remap` with a mapping). Nothing was staged.
 */
export async function awaitMapping(
  { sql, bus }: StateStore,
  id: string,
  needed: MappingNeeded,
): Promise<TImport | undefined> {
  const updated = await transaction(sql, ({ db }) =>
    updateImport(db, id, {
      status: 'review',
      phase: null,
      columns: needed.columns,
      suggestions: needed.suggestions,
      mapping: null,
      mappingSource: null,
      preview: null,
      rowsPerSecond: 0,
      heartbeatAt: null,
    }),
  );
  if (updated) void publishImport(bus, updated.state);
  return updated?.state;
}

export interface Interruption {
  /** The attempt that stopped (the import's `attempts` when it started). */
  attempt: number;
  reason: string;
}

/**
 * Puts an interrupted import back in the queue, recording why the attempt stopped, while
 * graphile-worker retries its job (after its backoff).
 */
export async function requeueImport(
  { sql, bus }: StateStore,
  id: string,
  interruption: Interruption,
): Promise<void> {
  const updated = await transaction(sql, ({ db }) =>
    updateImport(db, id, backInQueue(interruption)),
  );
  if (updated) void publishImport(bus, updated.state);
}

/**
 * The worker is stopping: the import goes back to `queued` and gets a new job at once, in one
 * transaction, so another worker takes it now rather than after a backoff, and the stop does not
 * spend one of its attempts (the running job, whose key the new one takes, then completes).
 */
export async function handBackImport(
  { sql, bus }: StateStore,
  id: string,
  interruption: Interruption,
): Promise<void> {
  const updated = await transaction(sql, async ({ sql: tx, db }) => {
    const state = await updateImport(db, id, backInQueue(interruption));
    if (state) await enqueueImport(tx, id);
    return state;
  });
  if (updated) void publishImport(bus, updated.state);
}

const backInQueue = (interruption: Interruption): ImportPatch => ({
  status: 'queued',
  phase: null,
  error: null,
  rowsPerSecond: 0,
  interruptions: appendInterruption(interruption),
});
