import { z } from 'zod';

/**
 * Every string and array a procedure accepts has a maximum (ARCHITECTURE.md, "Input limits"): a
 * caller must never make the server validate, store or echo an unbounded amount of data. Build
 * procedure inputs from these helpers; `packages/api/src/input-limits.test.ts` walks every
 * procedure's input and fails on a string or an array without a maximum.
 */

/** Text without a limit of its own (a name, a filter term) is cut off here. */
export const TEXT_MAX_DEFAULT = 1_000;
/** Lists without a limit of their own hold at most this many items. */
export const LIST_MAX_DEFAULT = 100;

/** PostgreSQL text cannot hold NUL, so a NUL must be refused as input, not fail as SQL. */
export const hasNoNul = (value: string): boolean => !value.includes('\0');
export const nulMessage = (field: string): string =>
  `${field} must not contain NUL characters (\\0)`;

/**
 * A string of at most `max` characters without NUL; messages name the field ("sku must …").
 * The length is checked first, so an oversized value is refused before anything else looks at it.
 */
export function zText(field: string, max: number = TEXT_MAX_DEFAULT) {
  return z
    .string({ error: `${field} must be text` })
    .max(max, `${field} must be at most ${max} characters`)
    .refine(hasNoNul, nulMessage(field));
}

/** An array of at most `max` items, refused by its length before any item is validated. */
export function zList<T extends z.ZodType>(field: string, item: T, max: number = LIST_MAX_DEFAULT) {
  return z
    .array(item, { error: `${field} must be a list` })
    .max(max, `${field} may hold at most ${max} items`);
}

/**
 * Characters that show nothing: separators, controls, format characters (zero-width space and
 * joiners, BOM, bidi marks), combining marks on their own, and the Hangul and Braille blanks.
 */
const INVISIBLE = /^[\p{Z}\p{C}\p{M}\u115F\u1160\u2800\u3164\uFFA0]*$/u;

/** True when the text has at least one character a person can see. */
export function hasVisibleCharacter(value: string): boolean {
  return !INVISIBLE.test(value);
}
