import {
  exceedsCharacters,
  firstCharacters,
  hasVisibleCharacter,
  normaliseSku,
  PRODUCT_LIMITS,
} from '@acme/shared';
import type { HeaderMap } from './header.ts';
import { ACTIVE_WORDS } from './mapping/active-values.ts';

export interface ValidRow {
  sku: string;
  name: string;
  description: string;
  /** null when the file has no active column or leaves the cell empty: the product keeps its state. */
  active: boolean | null;
}

export interface InvalidRow {
  sku: string | null;
  error: string;
}

/**
 * A number a spreadsheet shows in scientific notation (`4.00638E+12`, German `4,00638E+12`): Excel
 * does so for a barcode in a General column too narrow for it, and saves the CSV as shown, so
 * the SKU's digits are gone (and different SKUs become one).
 */
const SCIENTIFIC = /^[+-]?\d(?:[.,]\d+)?E[+-]\d{1,3}$/i;

/**
 * SKUs stored on error rows are cut to this many characters, so a 1 MB garbage field never lands
 * in import_errors (a SKU one character over its limit still shows whole).
 */
const ERROR_SKU_CHARS = 300;

/**
 * The SKU of a row as the error list shows it (cut short), or null when it has none. A NUL, which
 * PostgreSQL text cannot hold, shows as "�" (the row's error says why it is invalid).
 */
export function skuOf(fields: readonly string[], header: HeaderMap): string | null {
  const sku = (fields[header.sku] ?? '').trim().replaceAll('\0', '\uFFFD');
  return sku === '' ? null : firstCharacters(sku, ERROR_SKU_CHARS);
}

/** The product fields a row's columns are read into. */
const READ_FIELDS = ['sku', 'name', 'description', 'active'] as const;

/** Checks one data row against docs/contract.md section 2; limits count characters (code points). */
export function validateRow(fields: readonly string[], header: HeaderMap): ValidRow | InvalidRow {
  const sku = normaliseSku(fields[header.sku] ?? '');
  const fail = (error: string): InvalidRow => ({ sku: skuOf(fields, header), error });

  if (fields.length !== header.width)
    return fail(`expected ${header.width} fields like the header, found ${fields.length}`);
  // PostgreSQL text cannot hold NUL; a column the import ignores may (it is not stored)
  const withNul = READ_FIELDS.find(
    (field) => header[field] >= 0 && (fields[header[field]] ?? '').includes('\0'),
  );
  if (withNul)
    return fail(
      `${withNul} (column ${header[withNul] + 1}) contains a NUL character (an invisible zero byte); delete it from the cell`,
    );

  if (sku === '') return fail('sku is required');
  if (!hasVisibleCharacter(sku))
    return fail('sku must contain a visible character, not only blanks');
  if (exceedsCharacters(sku, PRODUCT_LIMITS.sku))
    return fail(`sku must be at most ${PRODUCT_LIMITS.sku} characters`);
  if (sku.length <= 16 && SCIENTIFIC.test(sku))
    return fail(
      `sku ${sku} is a number a spreadsheet shortened to scientific notation, so its digits are lost; format the SKU column as Text (or Number without decimals) in the original file and save it again`,
    );
  const name = (fields[header.name] ?? '').trim();
  if (name === '') return fail('name is required');
  if (exceedsCharacters(name, PRODUCT_LIMITS.name))
    return fail(`name must be at most ${PRODUCT_LIMITS.name} characters`);
  const description = header.description >= 0 ? (fields[header.description] ?? '') : '';
  if (exceedsCharacters(description, PRODUCT_LIMITS.description))
    return fail(`description must be at most ${PRODUCT_LIMITS.description} characters`);

  let active: boolean | null = null;
  if (header.active >= 0) {
    const raw = (fields[header.active] ?? '').trim();
    if (raw !== '') {
      const parsed = (header.activeValues ?? ACTIVE_WORDS).get(raw.toLowerCase());
      if (parsed === undefined)
        return fail(
          `active must be true/false, 1/0, yes/no or y/n, found "${firstCharacters(raw, 50)}"`,
        );
      active = parsed;
    }
  }
  return { sku, name, description, active };
}

export function isInvalid(row: ValidRow | InvalidRow): row is InvalidRow {
  return 'error' in row;
}
