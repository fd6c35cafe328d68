import type { Sql, TransactionSql } from 'postgres';
import { isUniqueViolation } from '@acme/db';
import { STAGING_COLUMNS } from './staging-encoder.ts';

/**
 * Set-based SQL of one import. Rows are staged with COPY into an UNLOGGED table of the import's
 * own (no WAL), classified against the catalogue, then applied in the import's transaction.
 * The staging tables are ordinary tables rather than temporary ones because the classification
 * runs before that transaction: whether to drop the list's indexes around the write depends on
 * it, and `drop index concurrently` cannot run inside a transaction.
 */
export function stagingTables(importId: string) {
  const suffix = importId.replaceAll('-', '');
  return { rows: `import_stage_${suffix}`, latest: `import_latest_${suffix}` };
}

/** Drops the staging tables of an import (before an attempt, and after it, whatever happened). */
export async function dropStagingTables(
  sql: Sql | TransactionSql,
  importId: string,
): Promise<void> {
  const tables = stagingTables(importId);
  await sql.unsafe(`drop table if exists ${tables.rows}, ${tables.latest}`);
}

export async function createStagingTable(tx: TransactionSql, importId: string): Promise<void> {
  await tx.unsafe(`
    create unlogged table ${stagingTables(importId).rows} (
      line integer not null,
      sku text,
      name text,
      description text,
      active boolean,
      error text
    ) with (autovacuum_enabled = false)`);
}

/** A writable COPY stream into the staging table; feed it COPY text (see copy-text.ts). */
export async function openStagingCopy(tx: TransactionSql, importId: string) {
  const table = stagingTables(importId).rows;
  return tx.unsafe(`copy ${table} (${STAGING_COLUMNS.join(', ')}) from stdin`).writable();
}

export interface Classification {
  /** Distinct SKUs among the valid rows (the last row of each wins). */
  distinct: number;
  /** SKUs that are new or differ from the catalogue: what the merge will write. */
  writes: number;
  /** Products in the catalogue before the import. */
  catalogue: number;
}

/**
 * Keeps the last row of each SKU (trimmed, case-insensitive) and compares it with the catalogue,
 * in one sort and one join: `write` marks new or changed products, `active` is the value to store
 * (an existing product keeps its own when the row gives none, a new one is active).
 */
export async function classifyRows(
  sql: Sql | TransactionSql,
  importId: string,
): Promise<Classification> {
  const tables = stagingTables(importId);
  await sql.unsafe(`
    create unlogged table ${tables.latest} with (autovacuum_enabled = false) as
    select l.sku, l.name, l.description,
      coalesce(l.active, existing.active, true) as active,
      existing.id is null
        or existing.sku <> l.sku
        or existing.name <> l.name
        or existing.description <> l.description
        or existing.active <> coalesce(l.active, existing.active) as write
    from (
      select distinct on (lower(sku)) lower(sku) as key, sku, name, description, active
      from ${tables.rows}
      where error is null
      order by lower(sku), line desc
    ) l
    left join products existing on lower(existing.sku) = l.key`);
  const [row] = await sql.unsafe<Classification[]>(`
    select
      (select count(*) from ${tables.latest})::int as distinct,
      (select count(*) from ${tables.latest} where write)::int as writes,
      (select count(*) from products)::int as catalogue`);
  if (!row) throw new Error('classification returned no row');
  return row;
}

/** Whether the catalogue holds no product at all: then every row of the import is new. */
export async function catalogueIsEmpty(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ empty: boolean }[]>`
    select not exists (select 1 from products) as empty`;
  return row?.empty ?? false;
}

/**
 * The first import into an empty catalogue: one `INSERT … SELECT DISTINCT ON`, the floor's own
 * statement, with no classification (no join, no second staging table: ~2–3 s of a 500k import)
 * and without `ON CONFLICT`, whose speculative insertion made the same insert ~1.4× slower.
 * There is nothing to compare with, so every distinct SKU is created (the last row wins; a row
 * without `active` makes an active product). A product written meanwhile by someone else makes
 * it fail with a unique violation (`isUniqueViolation`): run it in a savepoint and fall back to
 * the classified merge. Returns the pending query (a cancel interrupts it); `count` is the number
 * of products created.
 */
export function insertIntoEmptyCatalogue(tx: TransactionSql, importId: string) {
  return tx.unsafe(`
    insert into products (sku, name, description, active)
    select distinct on (lower(sku)) sku, name, description, coalesce(active, true)
    from ${stagingTables(importId).rows}
    where error is null
    order by lower(sku), line desc`);
}

/**
 * Bulk writes pay ~125 µs a row to maintain the trigram indexes, a rebuild ~80 µs per catalogue
 * row (perf.md): drop them (and rebuild after commit) when the write is a large share of what the
 * catalogue will hold. Small imports, and re-imports that change little, keep them.
 */
export function shouldDropSearchIndexes({
  writes,
  catalogue,
}: Pick<Classification, 'writes' | 'catalogue'>): boolean {
  return writes >= 10_000 && writes * 2 >= catalogue;
}

export async function recordInvalidRows(tx: TransactionSql, importId: string): Promise<void> {
  await tx.unsafe(
    `insert into import_errors (import_id, line, sku, message)
     select $1, line, sku, error from ${stagingTables(importId).rows}
     where error is not null
     order by line`,
    [importId],
  );
}

export interface MergeCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Applies the classified rows to the catalogue: the "diff upsert" that perf.md measured fastest.
 * Only new or changed products reach the INSERT … ON CONFLICT, so an unchanged re-import writes
 * nothing. The conflict branch also covers a product created by someone else since the
 * classification. Counts are distinct SKUs: `xmax = 0` tells a fresh insert from an update.
 * Returns the pending query, so that a cancel can interrupt it.
 */
export function mergeIntoCatalogue(tx: TransactionSql, importId: string) {
  return tx.unsafe<{ created: number; updated: number }[]>(`
    with written as (
      insert into products (sku, name, description, active)
      select sku, name, description, active from ${stagingTables(importId).latest}
      where write
      on conflict ((lower(sku))) do update
        set sku = excluded.sku,
            name = excluded.name,
            description = excluded.description,
            active = excluded.active,
            updated_at = now()
      returning (xmax = 0) as inserted
    )
    select
      count(*) filter (where inserted)::int as created,
      count(*) filter (where not inserted)::int as updated
    from written`);
}

export function countsFrom(
  merged: { created: number; updated: number },
  { distinct }: Classification,
): MergeCounts {
  return {
    created: merged.created,
    updated: merged.updated,
    unchanged: distinct - merged.created - merged.updated,
  };
}

/**
 * The catalogue write inside the import's transaction. Without a classification (the catalogue
 * was empty when checked) it tries the plain insert in a savepoint; if a product appeared
 * meanwhile, it classifies the rows now and runs the diff upsert, as for any other import.
 * `running` receives each statement as it starts, so that a cancel can interrupt it.
 */
export async function writeCatalogue(
  tx: TransactionSql,
  importId: string,
  classification: Classification | undefined,
  hooks: { running: (query: { cancel: () => unknown }) => void; onConflict?: () => void },
): Promise<MergeCounts> {
  if (!classification) {
    try {
      const created = await tx.savepoint(async (savepoint) => {
        const insert = insertIntoEmptyCatalogue(savepoint, importId);
        hooks.running(insert);
        return (await insert).count;
      });
      return { created, updated: 0, unchanged: 0 };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      hooks.onConflict?.();
      classification = await classifyRows(tx, importId);
    }
  }
  const merge = mergeIntoCatalogue(tx, importId);
  hooks.running(merge);
  const [merged] = await merge;
  if (!merged) throw new Error('the merge returned no counts');
  return countsFrom(merged, classification);
}
