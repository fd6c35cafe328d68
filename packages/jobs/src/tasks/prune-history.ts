import type { Task } from 'graphile-worker';
import type { Sql } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { JobDeps } from '../deps.ts';
import { expireReviews } from '../import/state/index.ts';

export const PRUNE_HISTORY = 'history:prune';

/** Rows deleted per statement: short transactions, so pruning never holds locks for long. */
const BATCH = 5_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PruneResult {
  /** Imports cancelled because they waited in review for REVIEW_EXPIRY_HOURS. */
  expiredReviews: number;
  importFiles: number;
  events: number;
  testDeliveries: number;
  /** Journal rows of imports past their undo window, or reverted. */
  journalRows: number;
  /** Kept copies of deleted products past their undo window, or restored. */
  deletedProducts: number;
}

/** Repeats a batched delete until a batch comes back short; returns how many rows went. */
async function deleteInBatches(run: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await run();
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/**
 * Retention, so storage does not grow without end:
 * - the stored file of an import that failed or was cancelled more than `importFileDays` ago
 *   (a retry then asks for the file again; completed imports drop theirs at once);
 * - the undo data (import journals, deleted products) past its window or used;
 * - events older than `webhookLogDays` with no delivery still pending, and with them (cascade)
 *   their deliveries and attempt log; and finished test deliveries as old.
 * - the staging tables of an import abandoned in review for REVIEW_EXPIRY_HOURS (it is cancelled).
 * A retention of 0 days keeps that kind of row forever. Import rows and their invalid-row lists
 * stay: they are the history the dashboard shows.
 */
export async function pruneHistory(
  { sql, bus }: { sql: Sql; bus: Bus },
  retention: { importFileDays: number; webhookLogDays: number },
  now = new Date(),
): Promise<PruneResult> {
  const result: PruneResult = {
    expiredReviews: await expireReviews({ sql, bus }, now),
    importFiles: 0,
    events: 0,
    testDeliveries: 0,
    ...(await pruneUndo(sql, now)),
  };
  if (retention.importFileDays > 0) {
    const cutoff = new Date(now.getTime() - retention.importFileDays * DAY_MS).toISOString();
    result.importFiles = await deleteInBatches(async () => {
      const gone = await sql`
        delete from import_file_chunks
        where ctid = any(array(
          select c.ctid from import_file_chunks c join imports i on i.id = c.import_id
          where i.status in ('failed', 'cancelled') and i.finished_at < ${cutoff}::timestamptz
          limit ${BATCH}))`;
      return gone.count;
    });
  }
  if (retention.webhookLogDays > 0) {
    const cutoff = new Date(now.getTime() - retention.webhookLogDays * DAY_MS).toISOString();
    result.events = await deleteInBatches(async () => {
      const gone = await sql`
        delete from events where id = any(array(
          select e.id from events e
          where e.created_at < ${cutoff}::timestamptz
            and not exists (select 1 from webhook_deliveries d
                            where d.event_id = e.id and d.status = 'pending')
          limit ${BATCH}))`;
      return gone.count;
    });
    result.testDeliveries = await deleteInBatches(async () => {
      const gone = await sql`
        delete from webhook_deliveries where id = any(array(
          select id from webhook_deliveries
          where event_id is null and created_at < ${cutoff}::timestamptz and status <> 'pending'
          limit ${BATCH}))`;
      return gone.count;
    });
  }
  return result;
}

/**
 * Undo data whose window has ended (the deadline was fixed when it was written, from
 * IMPORT_UNDO_DAYS) or that was used: import journals, then kept deleted products. Each import or
 * deletion is then marked, so it is not looked at again and a late revert or restore is told why.
 */
async function pruneUndo(
  sql: Sql,
  now: Date,
): Promise<Pick<PruneResult, 'journalRows' | 'deletedProducts'>> {
  const at = now.toISOString();
  const journalRows = await pruneEach({
    due: sql`
      select id from imports
      where journaled_at is not null
        and (revertible_until < ${at}::timestamptz or reverted_at is not null)`,
    deleteBatch: (id) => sql`
      delete from import_journal where ctid = any(array(
        select ctid from import_journal
        where written_at = (select journaled_at from imports where id = ${id})
          and import_id = ${id}
        limit ${BATCH}))`,
    markPruned: (id) => sql`update imports set journaled_at = null where id = ${id}`,
  });
  const deletedProducts = await pruneEach({
    due: sql`
      select id from product_deletions
      where pruned_at is null
        and (restorable_until < ${at}::timestamptz or restored_at is not null)`,
    deleteBatch: (id) => sql`
      delete from deleted_products where ctid = any(array(
        select ctid from deleted_products
        where deleted_at = (select deleted_at from product_deletions where id = ${id})
          and deletion_id = ${id}
        limit ${BATCH}))`,
    markPruned: (id) => sql`update product_deletions set pruned_at = now() where id = ${id}`,
  });
  return { journalRows, deletedProducts };
}

/**
 * For each owner that is `due` (an import's journal, a delete's kept products): deletes its kept
 * rows in batches, then marks it pruned. Returns the rows deleted.
 */
async function pruneEach({
  due,
  deleteBatch,
  markPruned,
}: {
  due: PromiseLike<readonly { id: string }[]>;
  deleteBatch: (id: string) => PromiseLike<{ count: number }>;
  markPruned: (id: string) => PromiseLike<unknown>;
}): Promise<number> {
  let rows = 0;
  for (const { id } of await due) {
    rows += await deleteInBatches(async () => (await deleteBatch(id)).count);
    await markPruned(id);
  }
  return rows;
}

/** `history:prune`, hourly from cron. */
export function pruneHistoryTask(deps: JobDeps): Task {
  return async (_payload, helpers) => {
    const result = await pruneHistory(deps, {
      importFileDays: deps.config.IMPORT_FILE_RETENTION_DAYS,
      webhookLogDays: deps.config.WEBHOOK_LOG_RETENTION_DAYS,
    });
    if (Object.values(result).some((count) => count > 0)) {
      helpers.logger.info('pruned history (events with their deliveries)', { ...result });
    }
  };
}
