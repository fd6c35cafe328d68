import { z } from 'zod';
import { hasNoNul, hasVisibleCharacter, nulMessage, zList, zText } from './bounded.ts';
import { zPaged } from './paged.ts';

/** Limits from docs/contract.md section 1; the import validates rows against the same numbers. */
export const PRODUCT_LIMITS = { sku: 255, name: 1_000, description: 20_000 } as const;

/**
 * Whether `value` has more than `limit` characters, counted as Unicode code points (what a
 * person counts: an emoji is one, where `length` counts two UTF-16 units). The API and the
 * import both measure with this.
 */
export function exceedsCharacters(value: string, limit: number): boolean {
  if (value.length <= limit) return false; // code points never outnumber UTF-16 units
  let characters = value.length;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff && i > 0) {
      const high = value.charCodeAt(i - 1);
      if (high >= 0xd800 && high <= 0xdbff) characters--;
    }
  }
  return characters > limit;
}

/**
 * The first `count` characters (code points) of `value`, never half of a surrogate pair: for
 * cutting what a message quotes by the same count as the limits.
 */
export function firstCharacters(value: string, count: number): string {
  if (value.length <= count) return value;
  let end = 0;
  for (let taken = 0; taken < count && end < value.length; taken++) {
    end += (value.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
  }
  return value.slice(0, end);
}

/**
 * A SKU as the catalogue stores it: trimmed, in Unicode NFC, so that `CAFÉ-1` typed precomposed
 * and pasted decomposed (as macOS does) are one product; identity is this value compared
 * case-insensitively (the database's unique index on `lower(sku)`).
 */
export const normaliseSku = (sku: string): string => sku.trim().normalize('NFC');

const atMost = (limit: number) => (value: string) => !exceedsCharacters(value, limit);

export const ZSku = z
  .string({ error: 'sku must be text' })
  .overwrite(normaliseSku)
  .min(1, { error: 'sku is required', abort: true })
  // UTF-16 units first (cheap; never fewer than code points), then code points.
  .max(2 * PRODUCT_LIMITS.sku, `sku must be at most ${PRODUCT_LIMITS.sku} characters`)
  .refine(atMost(PRODUCT_LIMITS.sku), `sku must be at most ${PRODUCT_LIMITS.sku} characters`)
  .refine(hasNoNul, nulMessage('sku'))
  .refine(hasVisibleCharacter, 'sku must contain a visible character, not only blanks');

export const ZProductName = z
  .string({ error: 'name must be text' })
  .trim()
  .min(1, 'name is required')
  .max(2 * PRODUCT_LIMITS.name, `name must be at most ${PRODUCT_LIMITS.name} characters`)
  .refine(atMost(PRODUCT_LIMITS.name), `name must be at most ${PRODUCT_LIMITS.name} characters`)
  .refine(hasNoNul, nulMessage('name'));

const descriptionTooLong = `description must be at most ${PRODUCT_LIMITS.description} characters`;
export const ZProductDescription = z
  .string({ error: 'description must be text' })
  .max(2 * PRODUCT_LIMITS.description, descriptionTooLong)
  .refine(atMost(PRODUCT_LIMITS.description), descriptionTooLong)
  .refine(hasNoNul, nulMessage('description'));

export const ZProductId = z.number().int().positive();

export const ZProduct = z.object({
  id: ZProductId,
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TProduct = z.infer<typeof ZProduct>;

export const ZProductCreateInput = z.object({
  sku: ZSku,
  name: ZProductName,
  description: ZProductDescription.default(''),
  active: z.boolean().default(true),
});
export type TProductCreateInput = z.input<typeof ZProductCreateInput>;

export const ZProductPatch = z
  .object({
    sku: ZSku,
    name: ZProductName,
    description: ZProductDescription,
    active: z.boolean(),
  })
  .partial();

/** `{ id, ...patch }`: only the fields present are changed. */
export const ZProductUpdateInput = ZProductPatch.extend({ id: ZProductId });
export type TProductUpdateInput = z.input<typeof ZProductUpdateInput>;

export const PRODUCT_SORT_FIELDS = [
  'id',
  'sku',
  'name',
  'active',
  'createdAt',
  'updatedAt',
] as const;
export const ZProductSort = z.object({
  field: z.enum(PRODUCT_SORT_FIELDS),
  direction: z.enum(['asc', 'desc']).default('asc'),
});
export type TProductSort = z.infer<typeof ZProductSort>;

export const PAGE_SIZE_MAX = 200;
export const PAGE_SIZE_DEFAULT = 25;

/** An empty filter string means "no filter", so a cleared search box never narrows the list. */
const ZFilterText = (field: string) =>
  zText(field, PRODUCT_LIMITS.description)
    .transform((value) => value.trim())
    .optional()
    .transform((value) => (value ? value : undefined));

/** SKUs are stored in NFC, so a SKU filter typed decomposed (as macOS pastes it) finds them too. */
const ZSkuFilterText = ZFilterText('sku').transform((value) => value?.normalize('NFC'));

/** A position in the list: `nextCursor` or `prevCursor` of a page, opaque, tied to its sort. */
const ZListCursor = z.string().min(1).max(2_000);

export const ZProductListInput = z
  .object({
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
    sku: ZSkuFilterText,
    name: ZFilterText('name'),
    description: ZFilterText('description'),
    active: z.boolean().optional(),
    sort: ZProductSort.optional(),
    /** Count every match even when that is slow; otherwise a large total may be an estimate. */
    exactTotal: z.boolean().default(false),
    /** The page after the row this cursor points at (keyset paging: no rows skipped one by one). */
    after: ZListCursor.optional(),
    /** The page before the row this cursor points at. */
    before: ZListCursor.optional(),
  })
  .refine((input) => !(input.after && input.before), {
    message: 'give either after or before, not both',
    path: ['before'],
  });
export type TProductListInput = z.input<typeof ZProductListInput>;
export type TProductListQuery = z.output<typeof ZProductListInput>;

export const ZProductListOutput = zPaged(ZProduct).extend({
  /** When true, `total` is an estimate (three significant figures); else exact. */
  totalIsEstimate: z.boolean(),
  /** Pass as `after` (with page + 1) for the next page; null when the page is empty. */
  nextCursor: ZListCursor.nullable(),
  /** Pass as `before` (with page - 1) for the previous page; null when the page is empty. */
  prevCursor: ZListCursor.nullable(),
});
export type TProductListOutput = z.infer<typeof ZProductListOutput>;

/** What a bulk action changes: products picked by id, or every product a filter matches. */
export const BULK_IDS_MAX = 1_000;
export const ZProductFilter = z.object({
  sku: ZSkuFilterText,
  name: ZFilterText('name'),
  description: ZFilterText('description'),
  active: z.boolean().optional(),
});
export type TProductFilter = z.output<typeof ZProductFilter>;
export const ZProductTarget = z
  .object({
    ids: zList('ids', ZProductId, BULK_IDS_MAX)
      .min(1, 'ids must name at least one product')
      .optional(),
    filter: ZProductFilter.optional(),
  })
  .refine((target) => (target.ids === undefined) !== (target.filter === undefined), {
    message: 'target must be either { ids: [...] } or { filter: {...} }',
  });
export type TProductTarget = z.output<typeof ZProductTarget>;

export const ZProductUpdateManyInput = z.object({
  target: ZProductTarget,
  set: z.object({ active: z.boolean() }),
});
export const ZProductUpdateManyOutput = z.object({ updated: z.number().int() });
export const ZProductDeleteManyInput = z
  .object({
    target: ZProductTarget,
    confirm: z.literal(true, { error: 'deleteMany needs { confirm: true }' }),
  })
  // An empty filter would be every product: that is deleteAll, asked for by its own name.
  .refine(
    ({ target }) =>
      target.ids !== undefined ||
      Object.values(target.filter ?? {}).some((value) => value !== undefined),
    {
      message: 'filter must narrow the products (to delete every product use deleteAll)',
      path: ['target'],
    },
  );

export const ZDeleteAllInput = z.object({
  confirm: z.literal(true, { error: 'deleteAll needs { confirm: true }' }),
});
/**
 * Identifies what one delete removed, for `products.restore`; null when undo is off
 * (IMPORT_UNDO_DAYS=0).
 */
export const ZRestoreId = z.uuid({ error: 'restoreId must be the restoreId a delete returned' });
export const ZProductDeleteManyOutput = z.object({
  deleted: z.number().int(),
  restoreId: ZRestoreId.nullable(),
});
export const ZDeleteOutput = ZProduct.extend({ restoreId: ZRestoreId.nullable() });
export const ZDeleteAllOutput = z.object({
  deleted: z.number().int(),
  restoreId: ZRestoreId.nullable(),
});
export const ZRestoreInput = z.object({ restoreId: ZRestoreId });
export const ZRestoreOutput = z.object({
  /** Products back in the catalogue. */
  restored: z.number().int(),
  /** Products left out because their SKU was taken meanwhile. */
  skipped: z.number().int(),
});
export type TRestoreOutput = z.infer<typeof ZRestoreOutput>;
/** How long deletes can be undone (and imports reverted): IMPORT_UNDO_DAYS; 0 when off. */
export const ZUndoWindow = z.object({ days: z.number().int() });
