import type { TColumnMapping, TImportProfile } from '@acme/shared';
import { headerFromMapping, type HeaderMap } from '../header.ts';
import { validateRow, type InvalidRow, type ValidRow } from '../validate-row.ts';
import { activeValueMap } from './active-values.ts';
import { shopifyHandleIndex } from './profiles.ts';

/**
 * Turns a record's fields into a product row under a mapping and a shop export's rules: a valid
 * row, an invalid one (with why), or null for a row the export means as no product (counted as
 * blank). Stateful where the export is (Shopify's variant rows), so one mapper reads one file, in
 * order.
 */
export interface RowMapper {
  readonly header: HeaderMap;
  map(fields: string[]): ValidRow | InvalidRow | null;
}

/** The row mapper for a file's header, mapping and recognised export (null: a plain file). */
export function createRowMapper(
  columns: readonly string[],
  mapping: TColumnMapping,
  profile: TImportProfile,
): RowMapper {
  const activeValues = activeValueMap(mapping.activeValues);
  switch (profile) {
    case 'shopify': {
      const handle = shopifyHandleIndex(columns);
      const header = headerFromMapping(columns, mapping, { activeValues, alsoRead: [handle] });
      return new ShopifyRows(header, handle);
    }
    case 'woocommerce':
      return new WooCommerceRows(headerFromMapping(columns, mapping, { activeValues }));
    case 'amazon':
    case null:
      return new PlainRows(headerFromMapping(columns, mapping, { activeValues }));
  }
}

class PlainRows implements RowMapper {
  readonly header: HeaderMap;

  constructor(header: HeaderMap) {
    this.header = header;
  }

  map(fields: string[]): ValidRow | InvalidRow {
    return validateRow(fields, this.header);
  }
}

/**
 * Shopify's products export writes one row per variant: the product's first row (per Handle)
 * carries Title, Body (HTML) and Status, its other variant rows leave them empty and inherit
 * them; rows for extra images have no Variant SKU and describe no product (blank).
 */
class ShopifyRows implements RowMapper {
  readonly header: HeaderMap;
  readonly #handleIndex: number;
  #handle: string | undefined;
  #first: { name: string; description: string; active: string } | undefined;

  constructor(header: HeaderMap, handleIndex: number) {
    this.header = header;
    this.#handleIndex = handleIndex;
  }

  map(fields: string[]): ValidRow | InvalidRow | null {
    const { header } = this;
    if (fields.length !== header.width) return validateRow(fields, header);
    const handle = (fields[this.#handleIndex] ?? '').trim();
    const cell = (index: number) => (index === -1 ? '' : (fields[index] ?? ''));
    if (handle === '' || handle !== this.#handle) {
      this.#handle = handle;
      this.#first = {
        name: cell(header.name),
        description: cell(header.description),
        active: cell(header.active),
      };
    } else if (this.#first) {
      const first = this.#first;
      fields = [...fields];
      const inherit = (index: number, value: string) => {
        if (index !== -1 && fields[index]!.trim() === '') fields[index] = value;
      };
      inherit(header.name, first.name);
      inherit(header.description, first.description);
      inherit(header.active, first.active);
    }
    if ((fields[header.sku] ?? '').trim() === '') return null;
    return validateRow(fields, header);
  }
}

/**
 * WooCommerce's exporter writes line breaks in text as the two characters `\n`; its Published
 * column holds 1 (published), 0 (private) and -1 (draft), which the usual words cover.
 */
class WooCommerceRows implements RowMapper {
  readonly header: HeaderMap;

  constructor(header: HeaderMap) {
    this.header = header;
  }

  map(fields: string[]): ValidRow | InvalidRow {
    const { name, description } = this.header;
    const escaped = (index: number) => index !== -1 && (fields[index] ?? '').includes('\\n');
    if (escaped(name) || escaped(description)) {
      fields = [...fields];
      for (const index of [name, description])
        if (index !== -1) fields[index] = (fields[index] ?? '').replaceAll('\\n', '\n');
    }
    return validateRow(fields, this.header);
  }
}
