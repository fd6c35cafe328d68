import { and, asc, desc, eq, ilike, products, sql, type Db, type SQL } from '@acme/db';
import type { TProductListQuery, TProductSort } from '@acme/shared';

/** `%`, `_` and `\` in a user's filter are literal characters, not LIKE wildcards. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function filterConditions(query: TProductListQuery): SQL | undefined {
  const conditions: SQL[] = [];
  if (query.sku) conditions.push(ilike(products.sku, containsPattern(query.sku)));
  if (query.name) conditions.push(ilike(products.name, containsPattern(query.name)));
  if (query.description) {
    conditions.push(ilike(products.description, containsPattern(query.description)));
  }
  if (query.active !== undefined) conditions.push(eq(products.active, query.active));
  return conditions.length ? and(...conditions) : undefined;
}

const sortColumns = {
  id: products.id,
  // Ordering by lower(sku) walks the unique index instead of sorting the table.
  sku: sql`lower(${products.sku})`,
  name: products.name,
  active: products.active,
  // Ids are assigned in creation order, and every row of one import shares its created_at, so
  // the id order is the creation order and needs no index of its own.
  createdAt: products.id,
  updatedAt: products.updatedAt,
} as const;

function orderBy(sort: TProductSort | undefined): SQL[] {
  const field = sort?.field ?? 'id';
  const direction = sort?.direction === 'desc' ? desc : asc;
  const order = [direction(sortColumns[field])];
  // A unique tie-breaker keeps pages stable when many rows share a value.
  if (field !== 'id' && field !== 'createdAt') order.push(direction(products.id));
  return order;
}

/**
 * The unfiltered and active-only totals come from the statement-level counters
 * (product_count_deltas) in O(1); any text filter needs a real count, served by the trigram indexes.
 */
async function countProducts(db: Db, query: TProductListQuery, where: SQL | undefined) {
  if (!query.sku && !query.name && !query.description) {
    const [row] = await db.execute<{ total: number; active: number }>(sql`
      select coalesce(sum(total), 0)::int as total, coalesce(sum(active), 0)::int as active
      from product_count_deltas`);
    if (!row) return 0;
    if (query.active === undefined) return row.total;
    return query.active ? row.active : row.total - row.active;
  }
  const [row] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(products)
    .where(where);
  return row?.total ?? 0;
}

export async function listProducts(db: Db, query: TProductListQuery) {
  const where = filterConditions(query);
  const offset = (query.page - 1) * query.pageSize;
  // Deferred join: skip `offset` rows on the narrow index only, then fetch the page's full rows,
  // so a deep page does not read 400k full rows from the heap.
  const pageIds = db
    .select({ id: products.id })
    .from(products)
    .where(where)
    .orderBy(...orderBy(query.sort))
    .limit(query.pageSize)
    .offset(offset)
    .as('page_ids');
  const [items, total] = await Promise.all([
    db
      .select({
        id: products.id,
        sku: products.sku,
        name: products.name,
        description: products.description,
        active: products.active,
        createdAt: products.createdAt,
        updatedAt: products.updatedAt,
      })
      .from(products)
      .innerJoin(pageIds, eq(products.id, pageIds.id))
      .orderBy(...orderBy(query.sort)),
    countProducts(db, query, where),
  ]);
  return { items, total, page: query.page, pageSize: query.pageSize };
}
