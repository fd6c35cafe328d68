import { asDate, IMPORT_LOCK_KEY, type Db, type Sql, type TransactionSql } from '@acme/db';
import { bulkCatalogueWrite } from '@acme/jobs/catalogue-write';
import { emitEvent } from '@acme/jobs/events';
import type { Bus } from '@acme/realtime';
import { AppError, type TImport, type TImportRevertCounts } from '@acme/shared';
import { notFound } from '../errors.ts';
import { findImport, publishImport } from '@acme/jobs/import-state';

// The journal rows of an import: found through the BRIN index on written_at, which is the import's
// journaled_at (see import_journal in packages/db).
const JOURNAL = `
  imports i join import_journal j on j.written_at = i.journaled_at and j.import_id = i.id`;

/**
 * What reverting the import would do now, without doing it: products to restore to their
 * before-image, created products to delete, and products changed since the import (edited, written
 * by a later import, or deleted), which are kept as they are. A product the import wrote still
 * carries the import's timestamp as its updated_at; any later change moves it.
 */
async function countRevert(sql: Sql | TransactionSql, id: string): Promise<TImportRevertCounts> {
  const [counts] = await sql<TImportRevertCounts[]>`
    select
      count(*) filter (where j.sku is not null and p.updated_at = i.journaled_at)::int as restored,
      count(*) filter (where j.sku is null and p.updated_at = i.journaled_at)::int as deleted,
      count(*) filter (where p.id is null or p.updated_at <> i.journaled_at)::int as kept
    from ${sql.unsafe(JOURNAL)} left join products p on p.id = j.product_id
    where i.id = ${id}`;
  return counts ?? { restored: 0, deleted: 0, kept: 0 };
}

interface RevertTarget {
  filename: string;
  status: TImport['status'];
  journaled: boolean;
  /** Raw timestamps: Date or ISO text, depending on the pool's parsers (see asDate). */
  revertibleUntil: Date | string | null;
  revertedAt: Date | string | null;
  windowOpen: boolean;
}

/** Refuses, with the reason in words, an import that cannot be reverted now. */
async function checkRevertible(sql: Sql | TransactionSql, id: string, lock: boolean) {
  const [target] = await sql<RevertTarget[]>`
    select filename, status, journaled_at is not null as journaled,
      revertible_until as "revertibleUntil", reverted_at as "revertedAt",
      revertible_until > now() as "windowOpen"
    from imports where id = ${id} ${lock ? sql`for update` : sql``}`;
  if (!target) throw notFound('Import', id);
  const name = `Import ${id} (${target.filename})`;
  if (target.revertedAt) {
    throw new AppError(
      'CONFLICT',
      `${name} was already reverted on ${asDate(target.revertedAt).toISOString()}`,
    );
  }
  if (target.status !== 'completed') {
    throw new AppError(
      'CONFLICT',
      `${name} is ${target.status}; only a completed import can be reverted`,
    );
  }
  if (!target.revertibleUntil) {
    throw new AppError(
      'BAD_REQUEST',
      `${name} cannot be reverted: it was imported while undo was off (IMPORT_UNDO_DAYS=0) or before undo existed`,
    );
  }
  if (!target.windowOpen || !target.journaled) {
    throw new AppError(
      'BAD_REQUEST',
      `${name} can no longer be reverted: its undo window ended on ${asDate(target.revertibleUntil).toISOString()}`,
    );
  }
  const [running] = await sql<{ filename: string; status: string }[]>`
    select filename, status from imports
    where status in ('parsing', 'importing') and id <> ${id} limit 1`;
  if (running) {
    throw new AppError(
      'CONFLICT',
      `Another import (${running.filename}) is ${running.status}; revert once it has finished`,
    );
  }
  return target;
}

/** The counts `imports.revert` would return now; changes nothing (the dashboard's confirmation). */
export async function previewRevert(sql: Sql, id: string): Promise<TImportRevertCounts> {
  await checkRevertible(sql, id, false);
  return countRevert(sql, id);
}

/**
 * Reverts a completed import within its undo window, in one transaction under the import lock:
 * each product it updated goes back to its before-image (updated_at included, so an earlier
 * import can be reverted after it), each it created is deleted, and products changed since are
 * kept. Marks the import reverted and emits one `import.reverted` event with the counts.
 */
export async function revertImport(
  deps: { sql: Sql; db: Db; bus: Bus },
  id: string,
): Promise<TImportRevertCounts> {
  const planned = await previewRevert(deps.sql, id);
  const counts = await bulkCatalogueWrite(deps.sql, planned.restored, async ({ sql: tx }) => {
    const target = await checkRevertible(tx, id, true);
    const [lock] = await tx<{ locked: boolean }[]>`
      select pg_try_advisory_xact_lock(${IMPORT_LOCK_KEY}) as locked`;
    if (!lock?.locked) {
      throw new AppError(
        'CONFLICT',
        'An import is writing to the catalogue; revert once it has finished',
      );
    }
    const journal = tx.unsafe(JOURNAL);
    const restored = await tx`
      update products p
      set sku = j.sku, name = j.name, description = j.description, active = j.active,
        updated_at = j.updated_at
      from ${journal}
      where i.id = ${id} and j.sku is not null
        and p.id = j.product_id and p.updated_at = i.journaled_at`;
    const deleted = await tx`
      delete from products p using ${journal}
      where i.id = ${id} and j.sku is null
        and p.id = j.product_id and p.updated_at = i.journaled_at`;
    const [journaled] = await tx<{ rows: number }[]>`
      select count(*)::int as rows from ${journal} where i.id = ${id}`;
    const result = {
      restored: restored.count,
      deleted: deleted.count,
      kept: (journaled?.rows ?? 0) - restored.count - deleted.count,
    };
    await tx`
      update imports set reverted_at = now(), updated_at = now(), version = version + 1
      where id = ${id}`;
    await emitEvent(tx, 'import.reverted', { id, filename: target.filename, ...result });
    return result;
  });
  const state = await findImport(deps.db, id);
  if (state) await publishImport(deps.bus, state);
  return counts;
}
