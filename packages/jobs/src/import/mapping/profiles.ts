import type { TColumnMapping, TImportProfile } from '@acme/shared';
import { headerKey } from './header-names.ts';

type Profile = NonNullable<TImportProfile>;

/** A shop export: the header names that identify it, and the mapping its columns imply. */
interface ProfileDefinition {
  /** Every one of these must be in the header. */
  requires: readonly string[];
  sku: string;
  name: string;
  description?: string;
  /** The first of these the header has. */
  active?: readonly string[];
}

/**
 * Shop exports we recognise by their headers (docs/contract.md section 2b). Checked in this order; Shopify
 * first because its header also has a `Title` and a `Status` a generic match would take.
 */
const PROFILES: Record<Profile, ProfileDefinition> = {
  // Shopify's products export: one row per variant, plus rows for extra images.
  shopify: {
    requires: ['Handle', 'Variant SKU', 'Title'],
    sku: 'Variant SKU',
    name: 'Title',
    description: 'Body (HTML)',
    // `Status` (active/draft/archived) since 2021; older exports only have `Published`.
    active: ['Status', 'Published'],
  },
  // WooCommerce's built-in product CSV exporter.
  woocommerce: {
    requires: ['SKU', 'Name', 'Published'],
    sku: 'SKU',
    name: 'Name',
    description: 'Description',
    active: ['Published'],
  },
  // Amazon Seller Central's listings reports (tab-separated).
  amazon: {
    requires: ['seller-sku', 'item-name'],
    sku: 'seller-sku',
    name: 'item-name',
    description: 'item-description',
  },
};

/** The column of the header with this name (compared as header words), as the file writes it. */
function columnNamed(columns: readonly string[], name: string): string | undefined {
  const key = headerKey(name);
  return columns.find((column) => headerKey(column) === key)?.trim();
}

/** The shop export this header comes from, or null. */
export function detectProfile(columns: readonly string[]): TImportProfile {
  for (const [profile, definition] of Object.entries(PROFILES) as [Profile, ProfileDefinition][])
    if (definition.requires.every((name) => columnNamed(columns, name) !== undefined))
      return profile;
  return null;
}

/** The mapping a recognised export's columns imply, with the column names as this file writes them. */
export function profileMapping(profile: Profile, columns: readonly string[]): TColumnMapping {
  const definition = PROFILES[profile];
  const mapping: TColumnMapping = {
    sku: columnNamed(columns, definition.sku)!,
    name: columnNamed(columns, definition.name)!,
  };
  const description = definition.description && columnNamed(columns, definition.description);
  if (description) mapping.description = description;
  for (const name of definition.active ?? []) {
    const active = columnNamed(columns, name);
    if (active) {
      mapping.active = active;
      break;
    }
  }
  return mapping;
}

/** The position of Shopify's `Handle` column, which ties variant rows to their product. */
export function shopifyHandleIndex(columns: readonly string[]): number {
  const key = headerKey('Handle');
  return columns.findIndex((column) => headerKey(column) === key);
}
