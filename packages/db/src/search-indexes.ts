import type { Sql } from './client.ts';

/**
 * The indexes behind the list's substring filters (trigram GIN) and sorting (btree), by name. These
 * definitions must match the ones in schema/products.ts (a test checks it), because bulk imports
 * drop and rebuild them.
 *
 * Why: maintaining trigram GIN entries row by row costs ~100+ entries per description; measured,
 * it makes a 500k-row write 6-7× slower (more with fastupdate off), while PostgreSQL's bulk GIN
 * build of the same index is several times cheaper. So a bulk write drops them concurrently, writes
 * at the speed of an unindexed table, and rebuilds them after commit (ensureSearchIndexes).
 * Searches stay correct meanwhile (sequential scan), only slower.
 */
export const SEARCH_INDEXES: Record<string, string> = {
  // Built in this order after a large import: the cheap ones first, so that sorting and the SKU
  // filter are fast again within seconds; the name and description trigrams take most of the time.
  products_name_sort:
    'create index concurrently if not exists products_name_sort on products using btree (name, id)',
  products_updated_at_sort:
    'create index concurrently if not exists products_updated_at_sort on products using btree (updated_at, id)',
  products_active_sort:
    'create index concurrently if not exists products_active_sort on products using btree (active, id)',
  products_sku_trgm:
    'create index concurrently if not exists products_sku_trgm on products using gin (sku gin_trgm_ops)',
  // Name and description in one GIN index: a filter on both intersects their posting lists in one
  // scan (a BitmapAnd of two indexes cost twice as much), and either alone reads only its own
  // column's entries. Its build costs what the two separate ones did.
  products_text_trgm:
    'create index concurrently if not exists products_text_trgm on products using gin (name gin_trgm_ops, description gin_trgm_ops)',
};

/** Session advisory lock held while the list's indexes are (re)built; bulk writes drop them only when they get it too. */
export const SEARCH_INDEX_BUILD_LOCK = 7150331002;

/** Drops the list's indexes without blocking readers. Must run outside a transaction. */
export async function dropSearchIndexes(sql: Sql): Promise<void> {
  for (const name of Object.keys(SEARCH_INDEXES)) {
    await sql.unsafe(`drop index concurrently if exists ${name}`);
  }
}

/** Memory of the build session: a GIN build sorts its entries there (1GB: 15% faster than 256MB). */
const BUILD_MAINTENANCE_WORK_MEM = '1GB';

/**
 * The statement that builds `name`: CREATE INDEX CONCURRENTLY, so that writes to products (an
 * edit in the grid, another service's API call) never wait for a rebuild after a large import. A
 * plain build in two sessions measured faster (86 s against 157 s under load at 500k rows) but held
 * every write for that long; concurrent builds on one table cannot run side by side (they wait for
 * each other), so they run one after another in one session.
 */
export function searchIndexBuildStatement(name: string): string {
  const create = SEARCH_INDEXES[name];
  if (!create) throw new Error(`${name} is not one of the list's indexes`);
  return create;
}

/**
 * Creates whichever list index is missing or left invalid by an interrupted build (figures:
 * docs/performance.md). Returns the names it (re)built. Must run outside a transaction.
 * They build cheapest first: sorting and the sku filter are fast again within seconds, the name
 * and description trigrams take most of the time. Nothing blocks readers or writers. A session
 * advisory lock keeps two workers from building at once.
 */
export async function ensureSearchIndexes(
  sql: Sql,
  options: { maintenanceWorkMem?: string } = {},
): Promise<string[]> {
  const connection = await sql.reserve();
  try {
    const [lock] = await connection<
      { locked: boolean }[]
    >`select pg_try_advisory_lock(${SEARCH_INDEX_BUILD_LOCK}::bigint) as locked`;
    if (!lock?.locked) return [];
    try {
      const present = await connection<{ name: string; valid: boolean }[]>`
        select c.relname as name, i.indisvalid as valid
        from pg_index i join pg_class c on c.oid = i.indexrelid
        where c.relname in ${connection(Object.keys(SEARCH_INDEXES))}`;
      const missing = Object.keys(SEARCH_INDEXES).filter(
        (name) => !present.find((row) => row.name === name)?.valid,
      );
      for (const name of missing) {
        if (present.some((row) => row.name === name)) {
          await connection.unsafe(`drop index concurrently if exists ${name}`);
        }
      }
      await buildInSession(
        connection,
        missing,
        options.maintenanceWorkMem ?? BUILD_MAINTENANCE_WORK_MEM,
      );
      return missing;
    } finally {
      await connection`select pg_advisory_unlock(${SEARCH_INDEX_BUILD_LOCK}::bigint)`;
    }
  } finally {
    connection.release();
  }
}

/** Builds `names` one after another in one (reserved) session. */
async function buildInSession(session: Sql, names: string[], memory: string): Promise<void> {
  if (names.length === 0) return;
  await session.unsafe(`set maintenance_work_mem = '${memory}'`);
  try {
    for (const name of names) await session.unsafe(searchIndexBuildStatement(name));
  } finally {
    await session.unsafe('reset maintenance_work_mem');
  }
}
