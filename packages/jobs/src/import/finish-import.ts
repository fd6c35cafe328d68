import { transaction, type Sql } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { TImport } from '@acme/shared';
import { emitEvent } from '../events.ts';
import { publishImport, updateImport } from './import-state.ts';

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

/** Ends an import as `cancelled` (its transaction already rolled back: the catalogue is as before). */
export async function cancelImport(
  { sql, bus }: StateStore,
  id: string,
): Promise<TImport | undefined> {
  const updated = await transaction(sql, ({ db }) =>
    updateImport(db, id, { status: 'cancelled', rowsPerSecond: 0, finishedAt: new Date() }),
  );
  if (updated) publishImport(bus, updated.state);
  return updated?.state;
}

/** Puts an interrupted import back in the queue, saying why, while graphile-worker retries it. */
export async function requeueImport(
  { sql, bus }: StateStore,
  id: string,
  reason: string,
): Promise<void> {
  const updated = await transaction(sql, ({ db }) =>
    updateImport(db, id, { status: 'queued', error: reason, rowsPerSecond: 0 }),
  );
  if (updated) publishImport(bus, updated.state);
}
