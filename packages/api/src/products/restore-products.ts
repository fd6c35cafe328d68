import { randomUUID } from 'node:crypto';
import { asDate, type Sql, type TransactionSql } from '@acme/db';
import { bulkCatalogueWrite } from '@acme/jobs/catalogue-write';
import { emitEvent } from '@acme/jobs/events';
import { AppError, type TRestoreOutput } from '@acme/shared';
import { notFound } from '../errors.ts';

/**
 * Restorable deletes (docs/contract.md; ARCHITECTURE.md, "Undo"): what `products.delete` and `products.deleteAll` remove is
 * copied, whole, into deleted_products under a new deletion (its id is the `restoreId`), in the
 * deleting transaction and with set-based SQL; `products.restore` puts it back.
 */

/** Starts a deletion kept for `undoDays`; null (nothing kept) when undo is off. */
export function newDeletion(undoDays: number): { id: string; days: number } | null {
  return undoDays > 0 ? { id: randomUUID(), days: undoDays } : null;
}

/** Records the deletion once its products are copied (`products`: how many). */
export async function recordDeletion(
  tx: TransactionSql,
  deletion: { id: string; days: number },
  products: number,
): Promise<void> {
  await tx`
    insert into product_deletions (id, products, restorable_until)
    values (${deletion.id}, ${products}, now() + make_interval(days => ${deletion.days}))`;
}

/** The columns a deletion copies, in deleted_products' order after deletion_id. */
export const KEPT_COLUMNS = 'id, sku, name, description, active, created_at, updated_at';

interface DeletionRow {
  products: number;
  restoredAt: Date | string | null;
  restorableUntil: Date | string;
  open: boolean;
  pruned: boolean;
}

async function checkRestorable(sql: Sql | TransactionSql, restoreId: string, lock: boolean) {
  const [deletion] = await sql<DeletionRow[]>`
    select products, restored_at as "restoredAt", restorable_until as "restorableUntil",
      restorable_until > now() as open, pruned_at is not null as pruned
    from product_deletions where id = ${restoreId} ${lock ? sql`for update` : sql``}`;
  if (!deletion) throw notFound('Deletion', restoreId);
  if (deletion.restoredAt) {
    throw new AppError(
      'CONFLICT',
      `These products were already restored on ${asDate(deletion.restoredAt).toISOString()}`,
    );
  }
  if (!deletion.open || deletion.pruned) {
    throw new AppError(
      'BAD_REQUEST',
      `These products can no longer be restored: the undo window ended on ${asDate(deletion.restorableUntil).toISOString()}`,
    );
  }
  return deletion;
}

/**
 * Brings the products of a deletion back, with their ids and timestamps, in one transaction: one
 * set-based insert that skips (and counts) products whose SKU was taken meanwhile. Large restores
 * drop and rebuild the list's indexes like an import. Emits one `products.restored` event.
 */
export async function restoreProducts(sql: Sql, restoreId: string): Promise<TRestoreOutput> {
  const { products } = await checkRestorable(sql, restoreId, false);
  return bulkCatalogueWrite(sql, products, async ({ sql: tx }) => {
    await checkRestorable(tx, restoreId, true);
    const inserted = await tx`
      insert into products (${tx.unsafe(KEPT_COLUMNS)}) overriding system value
      select ${tx.unsafe(KEPT_COLUMNS)} from deleted_products
      where deleted_at = (select deleted_at from product_deletions where id = ${restoreId})
        and deletion_id = ${restoreId}
      on conflict do nothing`;
    const result = { restored: inserted.count, skipped: products - inserted.count };
    await tx`update product_deletions set restored_at = now() where id = ${restoreId}`;
    await emitEvent(tx, 'products.restored', { restoreId, ...result });
    return result;
  });
}
