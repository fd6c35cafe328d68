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
  /** SKUs that are new or differ from the catalogue: what the write will change. */
  writes: number;
  /** SKUs the catalogue does not hold yet (among `writes`). */
  created: number;
  /** Products in the catalogue before the import. */
  catalogue: number;
  /** Whether the rows were compared with the catalogue; if not, it was empty and all are new. */
  compared: boolean;
}

/**
 * Keeps the last row of each SKU (trimmed, case-insensitive) in the import's `latest` table and,
 * unless the catalogue is empty (`compare: false`: every row is new, so the join is skipped),
 * compares it with the catalogue in the same statement: `product_id` is the product the row
 * overwrites (null for a new one), `write` marks new or changed products, `active` is the value
 * to store (an existing product keeps its own when the row gives none, a new one is active), and
 * `line` is the row's line in the file. Rows land in SKU order, which keeps the unique index's
 * inserts local. The counts of a review's preview come from here, as the write's own do.
 */
export async function classifyRows(
  sql: Sql | TransactionSql,
  importId: string,
  { compare }: { compare: boolean },
): Promise<Classification> {
  const tables = stagingTables(importId);
  const lastRows = `
    select distinct on (lower(sku)) lower(sku) as key, line, sku, name, description, active
    from ${tables.rows}
    where error is null
    order by lower(sku), line desc`;
  await sql.unsafe(`drop table if exists ${tables.latest}`);
  // A staging table is never analysed on its own (autovacuum is off), so the planner takes it for
  // a few thousand rows and probes the catalogue's unique index once per row; with statistics on
  // the columns the statement groups and filters by, it merges along that index instead (1M rows
  // at load 8: 6.6–7.6 s with the ANALYZE against 7.9–8.5 s; docs/performance.md).
  if (compare) await sql.unsafe(`analyze ${tables.rows} (sku, error)`);
  await sql.unsafe(
    compare
      ? `create unlogged table ${tables.latest} with (autovacuum_enabled = false) as
         select l.line, existing.id as product_id, l.sku, l.name, l.description,
           coalesce(l.active, existing.active, true) as active,
           existing.id is null
             or existing.sku <> l.sku
             or existing.name <> l.name
             or existing.description <> l.description
             or existing.active <> coalesce(l.active, existing.active) as write
         from (${lastRows}) l
         left join products existing on lower(existing.sku) = l.key`
      : `create unlogged table ${tables.latest} with (autovacuum_enabled = false) as
         select line, null::bigint as product_id, sku, name, description,
           coalesce(active, true) as active, true as write
         from (${lastRows}) l`,
  );
  const [row] = await sql.unsafe<Omit<Classification, 'compared'>[]>(`
    select
      count(*)::int as distinct,
      (count(*) filter (where write))::int as writes,
      (count(*) filter (where product_id is null))::int as created,
      (select count(*) from products)::int as catalogue
    from ${tables.latest}`);
  if (!row) throw new Error('classification returned no row');
  return { ...row, compared: compare };
}

/** Whether both staging tables of an import exist (a review keeps them until it is applied). */
export async function stagingTablesExist(
  sql: Sql | TransactionSql,
  importId: string,
): Promise<boolean> {
  const tables = stagingTables(importId);
  const [row] = await sql<{ exist: boolean }[]>`
    select to_regclass(${tables.rows}) is not null
      and to_regclass(${tables.latest}) is not null as exist`;
  return row?.exist ?? false;
}

/** Whether the catalogue holds no product at all: then every row of the import is new. */
export async function catalogueIsEmpty(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ empty: boolean }[]>`
    select not exists (select 1 from products) as empty`;
  return row?.empty ?? false;
}

/**
 * Bulk writes pay ~125 µs a row to maintain the trigram indexes, a rebuild ~80 µs per catalogue
 * row (measured in docs/import.md): drop them (and rebuild after commit) when the write is a large
 * share of what the catalogue will hold. Small imports, and re-imports that change little, keep
 * them.
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

/** Rows of `latest` one write statement takes: the progress shown moves this often. */
export const WRITE_CHUNK_ROWS = 50_000;

/**
 * Splits the `latest` table into ranges of heap pages of about WRITE_CHUNK_ROWS rows each (the
 * last range open-ended). The table is written once and never updated, so its pages hold its
 * rows exactly once: a `ctid` range scan reads each chunk without an index or a second sort.
 */
async function chunksOf(
  sql: Sql | TransactionSql,
  table: string,
  rows: number,
  chunkRows = WRITE_CHUNK_ROWS,
): Promise<string[]> {
  const [row] = await sql.unsafe<{ pages: number }[]>(
    `select (pg_relation_size('${table}') / current_setting('block_size')::int)::int as pages`,
  );
  const pages = row?.pages ?? 0;
  const perChunk = Math.max(1, Math.ceil((pages * chunkRows) / Math.max(1, rows)));
  const chunks: string[] = [];
  for (let from = 0; from < pages || chunks.length === 0; from += perChunk) {
    const last = from + perChunk >= pages;
    chunks.push(
      last
        ? `ctid >= '(${from},0)'::tid`
        : `ctid >= '(${from},0)'::tid and ctid < '(${from + perChunk},0)'::tid`,
    );
  }
  return chunks;
}

/** A statement under way, which a cancel interrupts. */
export interface RunningQuery {
  cancel: () => unknown;
}

export interface WriteHooks {
  /** Receives each statement as it starts, so that a cancel can interrupt it. */
  running: (query: RunningQuery) => void;
  /** Products created or changed so far, after each chunk. */
  written?: (rows: number) => void;
  /** The catalogue was empty at classification but is not any more. */
  onConflict?: () => void;
  /** Rows per statement (tests use small ones). */
  chunkRows?: number;
}

export interface WriteOptions {
  /**
   * Journal what the write changes (import_journal), in the same statements' transaction, so the
   * import can be reverted: the id of each product created, the before-image of each updated.
   */
  journal: boolean;
}

/**
 * Journals the before-image of the products that the chunk's write is about to update (new or
 * changed rows whose SKU exists), before the upsert overwrites them. One set-based statement per
 * chunk, in the write transaction: it reads what the upsert then overwrites. (A product created by
 * someone else between this statement and the upsert is updated without a before-image, so a
 * revert leaves it as the import wrote it.)
 */
async function journalBeforeImages(
  tx: TransactionSql,
  importId: string,
  table: string,
  range: string,
  hooks: WriteHooks,
): Promise<void> {
  const journal = tx.unsafe(
    `insert into import_journal (import_id, product_id, sku, name, description, active, updated_at)
     select $1, p.id, p.sku, p.name, p.description, p.active, p.updated_at
     from (select sku from ${table} where write and ${range}) l
     join products p on lower(p.sku) = lower(l.sku)`,
    [importId],
  );
  hooks.running(journal);
  await journal;
}

/** Inserts new products from `select` and, when journaling, records their ids in one statement. */
function insertProducts(
  tx: TransactionSql,
  importId: string,
  select: string,
  { journal }: WriteOptions,
) {
  const insert = `insert into products (sku, name, description, active) ${select}`;
  return journal
    ? tx.unsafe(
        `with created as (${insert} returning id)
         insert into import_journal (import_id, product_id) select $1, id from created`,
        [importId],
      )
    : tx.unsafe(insert);
}

/**
 * The catalogue write inside the import's transaction, in chunks of the `latest` table so that
 * progress moves and a cancel lands between statements.
 * - Uncompared (the catalogue was empty): plain inserts, the floor's own statement without `ON
 *   CONFLICT` (whose speculative insertion made it ~1.4× slower), in a savepoint. A product written
 *   meanwhile by someone else makes it fail with a unique violation: then the rows are compared
 *   now, and written as below.
 * - Compared: the "diff upsert" (only new or changed products reach the `INSERT … ON CONFLICT`,
 *   so an unchanged re-import writes nothing); the conflict branch also covers a product created
 *   by someone else since the classification. `xmax = 0` tells a fresh insert from an update.
 */
export async function writeCatalogue(
  tx: TransactionSql,
  importId: string,
  classification: Classification,
  hooks: WriteHooks,
  options: WriteOptions,
): Promise<MergeCounts> {
  const table = stagingTables(importId).latest;
  if (!classification.compared) {
    try {
      const created = await tx.savepoint(async (savepoint) => {
        let total = 0;
        for (const range of await chunksOf(
          savepoint,
          table,
          classification.distinct,
          hooks.chunkRows,
        )) {
          const insert = insertProducts(
            savepoint,
            importId,
            `select sku, name, description, active from ${table} where ${range}`,
            options,
          );
          hooks.running(insert);
          total += (await insert).count;
          hooks.written?.(total);
        }
        return total;
      });
      return { created, updated: 0, unchanged: classification.distinct - created };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      hooks.onConflict?.();
      classification = await classifyRows(tx, importId, { compare: true });
      hooks.written?.(0);
    }
  }
  const merged = { created: 0, updated: 0 };
  for (const range of await chunksOf(tx, table, classification.distinct, hooks.chunkRows)) {
    if (options.journal) await journalBeforeImages(tx, importId, table, range, hooks);
    const journalCreated = options.journal
      ? `, journaled as (
           insert into import_journal (import_id, product_id)
           select $1, id from written where inserted)`
      : '';
    const merge = tx.unsafe<{ created: number; updated: number }[]>(
      `
      with written as (
        insert into products (sku, name, description, active)
        select sku, name, description, active from ${table}
        where write and ${range}
        on conflict ((lower(sku))) do update
          set sku = excluded.sku,
              name = excluded.name,
              description = excluded.description,
              active = excluded.active,
              updated_at = now()
        returning id, (xmax = 0) as inserted
      )${journalCreated}
      select
        count(*) filter (where inserted)::int as created,
        count(*) filter (where not inserted)::int as updated
      from written`,
      options.journal ? [importId] : [],
    );
    hooks.running(merge);
    const [chunk] = await merge;
    if (!chunk) throw new Error('the merge returned no counts');
    merged.created += chunk.created;
    merged.updated += chunk.updated;
    hooks.written?.(merged.created + merged.updated);
  }
  return {
    ...merged,
    unchanged: classification.distinct - merged.created - merged.updated,
  };
}
