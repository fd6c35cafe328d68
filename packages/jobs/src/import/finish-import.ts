import { transaction, type Sql } from '@acme/db';
import type { Bus } from '@acme/realtime';
import { WORKING_IMPORT_STATUSES, type TImport } from '@acme/shared';
import type { MappingNeeded } from './import-failure.ts';
import { emitEvent } from '../events.ts';
import { enqueueImport } from './enqueue-import.ts';
import { appendInterruption, publishImport, updateImport } from './import-state.ts';

export interface StateStore {
  sql: Sql;
  bus: Bus;
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
  if (state) publishImport(bus, state);
  return state;
}

/**
 * Ends an import as `cancelled` (its transaction already rolled back: the catalogue is as before);
 * also one that reached `review` just as its cancel was asked for.
 */
export async function cancelImport(
  { sql, bus }: StateStore,
  id: string,
): Promise<TImport | undefined> {
  const updated = await transaction(sql, ({ db }) =>
    updateImport(db, id, { status: 'cancelled', rowsPerSecond: 0, finishedAt: new Date() }, [
      ...WORKING_IMPORT_STATUSES,
      'review',
    ]),
  );
  if (updated) publishImport(bus, updated.state);
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
  if (updated) publishImport(bus, updated.state);
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
    updateImport(db, id, {
      status: 'queued',
      phase: null,
      error: null,
      rowsPerSecond: 0,
      interruptions: appendInterruption(interruption),
    }),
  );
  if (updated) publishImport(bus, updated.state);
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
    const state = await updateImport(db, id, {
      status: 'queued',
      phase: null,
      error: null,
      rowsPerSecond: 0,
      interruptions: appendInterruption(interruption),
    });
    if (state) await enqueueImport(tx, id);
    return state;
  });
  if (updated) publishImport(bus, updated.state);
}
