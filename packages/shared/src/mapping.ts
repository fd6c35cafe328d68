import { z } from 'zod';
import { zText } from './bounded.ts';

/** Column mapping and export profiles of an import (docs/contract.md section 2b). */

/** The product fields a file's columns map to; sku and name are required. */
export const MAPPED_FIELDS = ['sku', 'name', 'description', 'active'] as const;
export const ZMappedField = z.enum(MAPPED_FIELDS);
export type TMappedField = z.infer<typeof ZMappedField>;

/** A header name can be at most this long, in a mapping as in a file. */
export const COLUMN_NAME_MAX = 500;
/** Most `active` values a mapping names by hand. */
export const ACTIVE_VALUES_MAX = 50;

const zColumn = (field: string) =>
  zText(`mapping.${field}`, COLUMN_NAME_MAX).refine(
    (value) => value.trim() !== '',
    `mapping.${field} must name a column of the file`,
  );

/**
 * Which of the file's columns holds each product field, named as the file's header writes them
 * (matched trimmed and case-insensitively). `activeValues` maps a cell value of the `active`
 * column to true or false, beside the words every import understands (yes/no, ja/nein, …).
 */
export const ZColumnMapping = z.strictObject(
  {
    sku: zColumn('sku'),
    name: zColumn('name'),
    description: zColumn('description').optional(),
    active: zColumn('active').optional(),
    activeValues: z
      .record(
        zText('mapping.activeValues key', 100),
        z.boolean({ error: 'mapping.activeValues values must be true or false' }),
      )
      .refine(
        (values) => Object.keys(values).length <= ACTIVE_VALUES_MAX,
        `mapping.activeValues may name at most ${ACTIVE_VALUES_MAX} values`,
      )
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `mapping names an unknown field (${issue.keys.join(', ')}); the fields are sku, name, description, active and activeValues`
        : 'mapping must be an object like {"sku": "<column>", "name": "<column>"}',
  },
);
export type TColumnMapping = z.infer<typeof ZColumnMapping>;

/** How well one column fits a field: 1 is an exact name, ≥ 0.8 is applied without asking. */
export const ZColumnCandidate = z.object({
  column: z.string(),
  confidence: z.number().min(0).max(1),
});
export type TColumnCandidate = z.infer<typeof ZColumnCandidate>;

/** The column chosen for a field (null: none fits with confidence) and the runners-up, best first. */
export const ZFieldSuggestion = z.object({
  field: ZMappedField,
  column: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  candidates: z.array(ZColumnCandidate),
});
export type TFieldSuggestion = z.infer<typeof ZFieldSuggestion>;

/** A shop export recognised by its header, applied with its own rules and without review. */
export const IMPORT_PROFILES = ['shopify', 'woocommerce', 'amazon'] as const;
export const ZImportProfile = z.enum(IMPORT_PROFILES).nullable();
export type TImportProfile = z.infer<typeof ZImportProfile>;

/** Where the mapping in force came from: the upload or the review, a remembered one, a profile, or matching. */
export const MAPPING_SOURCES = ['given', 'remembered', 'profile', 'matched'] as const;
export const ZMappingSource = z.enum(MAPPING_SOURCES);
export type TMappingSource = z.infer<typeof ZMappingSource>;

/** Shown beside each profile's name in the dashboard and messages. */
export const PROFILE_LABELS: Record<NonNullable<TImportProfile>, string> = {
  shopify: 'Shopify products export',
  woocommerce: 'WooCommerce products export',
  amazon: 'Amazon listings report',
};
