import { sql } from 'drizzle-orm';
import { bigint, boolean, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The catalogue. SKU identity is `lower(sku)` (values are trimmed before they are stored), enforced
 * by the unique index so no code path can create a duplicate.
 *
 * Substring filters are served by trigram GIN indexes and sorting by btrees; bulk imports drop and
 * rebuild all of these around their write (see search-indexes.ts, whose definitions must match).
 */
export const products = pgTable(
  'products',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    sku: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(''),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('products_sku_key').on(sql`lower(${t.sku})`),
    index('products_sku_trgm').using('gin', t.sku.op('gin_trgm_ops')),
    // One index for name and description: a query filtering both intersects their trigrams inside
    // one GIN scan instead of a BitmapAnd of two (docs/performance.md); either alone is as fast.
    index('products_text_trgm').using(
      'gin',
      t.name.op('gin_trgm_ops'),
      t.description.op('gin_trgm_ops'),
    ),
    // Sortable columns of the list (id is the tie-breaker; createdAt sorts by id, see list-products).
    index('products_name_sort').on(t.name, t.id),
    index('products_updated_at_sort').on(t.updatedAt, t.id),
    index('products_active_sort').on(t.active, t.id),
  ],
);

/**
 * Signed changes to the number of products (all, and active ones), one row per writing statement,
 * appended by statement-level triggers. Summing a handful of rows answers the unfiltered and
 * active-only totals in O(1) where `count(*)` over 500k rows takes ~60 ms; the worker folds the
 * rows together periodically.
 *
 * `writes` counts the writing statements (insert, update, delete, truncate): its sum is the
 * catalogue version, read in the same snapshot as the totals. It grows with every committed
 * change and never otherwise, so a list answer computed at one version stays right until it moves.
 */
export const productCountDeltas = pgTable('product_count_deltas', {
  id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  total: bigint({ mode: 'number' }).notNull(),
  active: bigint({ mode: 'number' }).notNull(),
  writes: bigint({ mode: 'number' }).notNull().default(0),
});
