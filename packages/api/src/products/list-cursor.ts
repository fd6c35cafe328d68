import { z } from 'zod';
import { AppError, PRODUCT_SORT_FIELDS, type TProductSort } from '@acme/shared';

/**
 * A keyset cursor: the sort it belongs to and the exact sort key of one row (the database's text
 * form, so a timestamp keeps its microseconds, which a JS Date would drop), plus the row's id as
 * the tie-breaker. Encoded as base64url JSON: opaque to callers, who only pass it back.
 */
export interface ListCursor {
  sort: TProductSort;
  key: string;
  id: number;
}

const ZEncoded = z.tuple([
  z.enum(PRODUCT_SORT_FIELDS),
  z.enum(['asc', 'desc']),
  z.string(),
  z.number().int().positive(),
]);

export function encodeCursor({ sort, key, id }: ListCursor): string {
  return Buffer.from(JSON.stringify([sort.field, sort.direction, key, id])).toString('base64url');
}

/** The cursor, or BAD_REQUEST when it is malformed or belongs to another sort order. */
export function decodeCursor(cursor: string, sort: TProductSort): ListCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = ZEncoded.safeParse(decoded);
  if (!parsed.success) {
    throw new AppError(
      'BAD_REQUEST',
      'cursor is not one this API gave out (use nextCursor or prevCursor of a page)',
    );
  }
  const [field, direction, key, id] = parsed.data;
  if (field !== sort.field || direction !== sort.direction) {
    throw new AppError(
      'BAD_REQUEST',
      `cursor belongs to the sort ${field} ${direction}, not ${sort.field} ${sort.direction}: start again from a page number`,
    );
  }
  return { sort, key, id };
}
