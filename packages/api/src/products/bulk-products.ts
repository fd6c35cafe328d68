import { transaction, type Sql } from '@acme/db';
import { bulkCatalogueWrite } from '@acme/jobs/catalogue-write';
import { emitEvent, emitEvents } from '@acme/jobs/events';
import type { TProductFilter, TProductTarget } from '@acme/shared';
import { filterWhere } from './list-queries.ts';
import { KEPT_COLUMNS, newDeletion, recordDeletion } from './restore-products.ts';

/**
 * Bulk changes from the grid: the products picked by id (at most BULK_IDS_MAX), or every product
 * a filter matches (the same matching as products.list). Each is one set-based statement in one
 * transaction with its events:
 * - picked by id: one `product.updated` / `product.deleted` per product changed, exactly as if
 *   each had been changed alone (a webhook cannot tell the difference);
 * - by filter (possibly the whole catalogue): one `products.updated_many` /
 *   `products.deleted_many` with the filter and the count, never one event per product (a bulk
 *   change of 200,000 products must not mean 200,000 deliveries), like `products.deleted_all`.
 */

/** The event payload of a product row, as `productEventData` writes it (ISO dates, UTC, ms). */
const EVENT_DATA = `jsonb_build_object(
  'id', id, 'sku', sku, 'name', name, 'description', description, 'active', active,
  'createdAt', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'updatedAt', to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/** `where` for a target; `$1` is left for the caller's own first parameter when `offset` is 1. */
function targetWhere(
  target: TProductTarget,
  offset: number,
): { where: string; values: (string | number | boolean | number[])[] } {
  if (target.ids) {
    return { where: `where id = any($${offset + 1}::bigint[])`, values: [target.ids] };
  }
  const { where, values } = filterWhere(filterOf(target));
  // filterWhere numbers from $1: shift past the caller's parameters.
  const shifted = where.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  return { where: shifted, values };
}

const filterOf = (target: TProductTarget): TProductFilter =>
  target.filter ?? { sku: undefined, name: undefined, description: undefined };

/** The filter as stored in an event: only the parts that narrow. */
function filterData(filter: TProductFilter): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

/** Sets `active` on the target; products already so are left alone (no write, no event). */
export async function updateManyProducts(
  sqlClient: Sql,
  input: { target: TProductTarget; set: { active: boolean } },
): Promise<{ updated: number }> {
  const { target, set } = input;
  const { where, values } = targetWhere(target, 1);
  const narrowed = where ? `${where} and active <> $1` : 'where active <> $1';
  const parameters = [set.active, ...values] as never[];
  if (target.ids) {
    return transaction(sqlClient, async (tx) => {
      const rows = await tx.sql.unsafe<{ data: Record<string, unknown> }[]>(
        `update products set active = $1, updated_at = now() ${narrowed}
         returning ${EVENT_DATA} as data`,
        parameters,
      );
      await emitEvents(
        tx.sql,
        'product.updated',
        rows.map((row) => row.data),
      );
      return { updated: rows.length };
    });
  }
  // No update of `active` is HOT (active and updated_at are both indexed), so each changed row
  // gets new entries in every index, trigrams included (~145 µs a row at 1M products,
  // docs/performance.md): a change to a large share of the catalogue is written like an import,
  // without the list's indexes, which are rebuilt afterwards.
  const [matching] = await sqlClient.unsafe<{ writes: number }[]>(
    `select count(*)::int as writes from products ${narrowed}`,
    parameters,
  );
  return bulkCatalogueWrite(sqlClient, matching?.writes ?? 0, async (tx) => {
    const [row] = await tx.sql.unsafe<{ updated: number }[]>(
      `with changed as (update products set active = $1, updated_at = now() ${narrowed} returning 1)
       select count(*)::int as updated from changed`,
      parameters,
    );
    const updated = row?.updated ?? 0;
    if (updated > 0) {
      await emitEvent(tx.sql, 'products.updated_many', {
        filter: filterData(filterOf(target)),
        set,
        updated,
      });
    }
    return { updated };
  });
}

/**
 * Deletes the target. With undo on, the deleting statement also copies what it deletes into
 * deleted_products (as `products.delete` does), so `products.restore` with the returned
 * `restoreId` brings it all back; the events carry the `restoreId` too.
 */
export async function deleteManyProducts(
  sqlClient: Sql,
  input: { target: TProductTarget },
  undoDays: number,
): Promise<{ deleted: number; restoreId: string | null }> {
  const { target } = input;
  const { where, values } = targetWhere(target, 0);
  const deletion = newDeletion(undoDays);
  const restoreId = deletion?.id ?? null;
  // The deletion's id is the last parameter; the copy runs even though nothing selects from it.
  const keep = deletion
    ? `, kept as (
        insert into deleted_products (deletion_id, ${KEPT_COLUMNS})
        select $${values.length + 1}::uuid, ${KEPT_COLUMNS} from gone)`
    : '';
  const parameters = (deletion ? [...values, deletion.id] : values) as never[];
  return transaction(sqlClient, async (tx) => {
    let deleted: number;
    if (target.ids) {
      const rows = await tx.sql.unsafe<{ data: Record<string, unknown> }[]>(
        `with gone as (delete from products ${where} returning *)${keep}
         select ${EVENT_DATA} as data from gone`,
        parameters,
      );
      deleted = rows.length;
      await emitEvents(
        tx.sql,
        'product.deleted',
        rows.map((row) => ({ ...row.data, restoreId })),
      );
    } else {
      const [row] = await tx.sql.unsafe<{ deleted: number }[]>(
        `with gone as (delete from products ${where} returning *)${keep}
         select count(*)::int as deleted from gone`,
        parameters,
      );
      deleted = row?.deleted ?? 0;
      if (deleted > 0) {
        await emitEvent(tx.sql, 'products.deleted_many', {
          filter: filterData(filterOf(target)),
          deleted,
          restoreId,
        });
      }
    }
    if (deletion) await recordDeletion(tx.sql, deletion, deleted);
    return { deleted, restoreId };
  });
}
