import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * What each import changed, so that it can be reverted (docs/contract.md section 2c): for every product it
 * updated, the product as it was before (`sku` not null), and for every product it created, just
 * its id (`sku` null). Written set-based by the import's own write transaction; pruned when the
 * import's undo window ends (history:prune).
 *
 * No foreign key and no btree: each would cost a lookup or an index entry per journaled row on the
 * import's hot path. An import's rows are appended together by one transaction, and `written_at`
 * (that transaction's `now()`, which is also the `updated_at` every product it wrote carries) is
 * the same for all of them, so a BRIN index on it (a few pages, nearly free to maintain) finds
 * them.
 */
export const importJournal = pgTable(
  'import_journal',
  {
    importId: uuid().notNull(),
    writtenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    productId: bigint({ mode: 'number' }).notNull(),
    /** The before-image of an updated product; all null for a product the import created. */
    sku: text(),
    name: text(),
    description: text(),
    active: boolean(),
    updatedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('import_journal_written_at_brin').using('brin', t.writtenAt)],
);

/**
 * One `products.delete` or `products.deleteAll`: its `id` is the `restoreId` the call returns.
 * The row stays after its products are restored or pruned, so that a late restore is told why
 * it cannot happen.
 */
export const productDeletions = pgTable('product_deletions', {
  id: uuid().primaryKey().defaultRandom(),
  /** The deleting transaction's `now()`: the `deleted_at` of its rows in deleted_products. */
  deletedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** Products the deletion removed. */
  products: integer().notNull(),
  restorableUntil: timestamp({ withTimezone: true }).notNull(),
  restoredAt: timestamp({ withTimezone: true }),
  /** Set once history:prune removed its products (expired or restored). */
  prunedAt: timestamp({ withTimezone: true }),
});

/**
 * The products of each deletion, whole (id and timestamps included, so a restore brings back the
 * same products). Appended in bulk by the deleting statement; found by a BRIN index on
 * `deleted_at` for the reason given at import_journal.
 */
export const deletedProducts = pgTable(
  'deleted_products',
  {
    deletionId: uuid().notNull(),
    deletedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    id: bigint({ mode: 'number' }).notNull(),
    sku: text().notNull(),
    name: text().notNull(),
    description: text().notNull(),
    active: boolean().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('deleted_products_deleted_at_brin').using('brin', t.deletedAt)],
);
