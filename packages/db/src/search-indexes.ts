import type { Sql } from './client.ts';

/**
 * The indexes behind the list's substring filters (trigram GIN) and sorting (btree), by name. These definitions must match
 * the ones in schema/products.ts (a test checks it), because bulk imports drop and rebuild them.
 *
 * Why: maintaining trigram GIN entries row by row costs ~100+ entries per description; measured,
 * it makes a 500k-row write 6-7× slower (more with fastupdate off), while PostgreSQL's bulk GIN
 * build of the same index is several times cheaper. So a bulk write drops them concurrently, writes
 * at the speed of an unindexed table, and rebuilds them concurrently after commit. Searches stay
 * correct meanwhile (sequential scan), only slower, and nothing blocks readers or writers.
 */
export const SEARCH_INDEXES: Record<string, string> = {
  products_sku_trgm:
    'create index concurrently if not exists products_sku_trgm on products using gin (sku gin_trgm_ops)',
  products_name_trgm:
    'create index concurrently if not exists products_name_trgm on products using gin (name gin_trgm_ops)',
  products_description_trgm:
    'create index concurrently if not exists products_description_trgm on products using gin (description gin_trgm_ops)',
  products_name_sort:
    'create index concurrently if not exists products_name_sort on products using btree (name, id)',
  products_updated_at_sort:
    'create index concurrently if not exists products_updated_at_sort on products using btree (updated_at, id)',
  products_active_sort:
    'create index concurrently if not exists products_active_sort on products using btree (active, id)',
};

/** Session advisory lock held while the list's indexes are (re)built; bulk writes drop them only when they get it too. */
export const SEARCH_INDEX_BUILD_LOCK = 7150331002;

/** Drops the list's indexes without blocking readers. Must run outside a transaction. */
export async function dropSearchIndexes(sql: Sql): Promise<void> {
  for (const name of Object.keys(SEARCH_INDEXES)) {
    await sql.unsafe(`drop index concurrently if exists ${name}`);
  }
}

/**
 * Creates whichever list index is missing or left invalid by an interrupted build, without
 * blocking readers or writers. Returns the names it (re)built. Must run outside a transaction.
 * A session advisory lock keeps two workers from building the same index at once.
 */
export async function ensureSearchIndexes(
  sql: Sql,
  options: { maintenanceWorkMem?: string } = {},
): Promise<string[]> {
  const rebuilt: string[] = [];
  await sql.reserve().then(async (connection) => {
    try {
      const [lock] = await connection<
        { locked: boolean }[]
      >`select pg_try_advisory_lock(${SEARCH_INDEX_BUILD_LOCK}::bigint) as locked`;
      if (!lock?.locked) return;
      try {
        await connection.unsafe(
          `set maintenance_work_mem = '${options.maintenanceWorkMem ?? '256MB'}'`,
        );
        const present = await connection<{ name: string; valid: boolean }[]>`
          select c.relname as name, i.indisvalid as valid
          from pg_index i join pg_class c on c.oid = i.indexrelid
          where c.relname in ${connection(Object.keys(SEARCH_INDEXES))}`;
        for (const [name, create] of Object.entries(SEARCH_INDEXES)) {
          const state = present.find((row) => row.name === name);
          if (state?.valid) continue;
          if (state) await connection.unsafe(`drop index concurrently if exists ${name}`);
          await connection.unsafe(create);
          rebuilt.push(name);
        }
      } finally {
        await connection`select pg_advisory_unlock(${SEARCH_INDEX_BUILD_LOCK}::bigint)`;
      }
    } finally {
      connection.release();
    }
  });
  return rebuilt;
}
