import { z } from 'zod';
import { ZImport, ZImportError, ZImportId } from './imports.ts';
import { ACTIVE_VALUES_MAX, ZColumnMapping } from './mapping.ts';
import { zPaged } from './paged.ts';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from './products.ts';

/** Inputs and outputs of the `imports` procedures (docs/contract.md section 4). */

const ZPage = z.number().int().min(1).default(1);
const ZPageSize = z.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT);

export const ZImportById = z.object({ id: ZImportId });

export const ZImportListInput = z.object({ page: ZPage, pageSize: ZPageSize }).default({
  page: 1,
  pageSize: PAGE_SIZE_DEFAULT,
});
export type TImportListInput = z.input<typeof ZImportListInput>;

export const ZImportListOutput = zPaged(ZImport);

export const ZImportErrorsInput = z.object({ id: ZImportId, page: ZPage, pageSize: ZPageSize });
export type TImportErrorsInput = z.input<typeof ZImportErrorsInput>;

export const ZImportErrorsOutput = zPaged(ZImportError);

export const ZImportProgressInput = z.object({
  id: ZImportId,
  /** Set by the client on reconnect: the `version` of the last state it received. */
  lastEventId: z
    .string()
    .max(10, 'lastEventId must be an event id this subscription sent')
    .regex(/^\d{1,10}$/, 'lastEventId must be an event id this subscription sent')
    .nullish(),
});

/**
 * An import state as it travels on the bus: JSON, so its dates arrive as ISO strings.
 * Decoding it gives back a `TImport`.
 */
export const ZImportMessage = ZImport.extend({
  createdAt: z.coerce.date(),
  startedAt: z.coerce.date().nullable(),
  finishedAt: z.coerce.date().nullable(),
  revertibleUntil: z.coerce.date().nullable(),
  revertedAt: z.coerce.date().nullable(),
  confirmedAt: z.coerce.date().nullable(),
});

/** The kinds of row `imports.changes` lists (docs/contract.md section 2b). */
export const IMPORT_CHANGE_KINDS = ['created', 'updated', 'unchanged', 'invalid'] as const;
export const ZImportChangeKind = z.enum(IMPORT_CHANGE_KINDS, {
  error: 'kind must be one of created, updated, unchanged, invalid',
});
export type TImportChangeKind = z.infer<typeof ZImportChangeKind>;

export const ZImportChangesInput = z.object({
  id: ZImportId,
  kind: ZImportChangeKind,
  page: ZPage,
  pageSize: ZPageSize,
});
export type TImportChangesInput = z.input<typeof ZImportChangesInput>;

/** A product's fields as the catalogue holds them, or as an import row will store them. */
export const ZProductFields = z.object({
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
});
export type TProductFields = z.infer<typeof ZProductFields>;

/**
 * One row of an import in review, in file order. `after` is what the import will store (null for
 * an invalid row); `before` the catalogue's product it overwrites (updated and unchanged rows; null
 * when that product was deleted since); `error` why an invalid row is skipped.
 */
export const ZImportChange = z.object({
  line: z.number().int(),
  sku: z.string().nullable(),
  after: ZProductFields.nullable(),
  before: ZProductFields.nullable(),
  error: z.string().nullable(),
});
export type TImportChange = z.infer<typeof ZImportChange>;

export const ZImportChangesOutput = zPaged(ZImportChange);

/** `imports.remap`: the mapping an import in review is staged again with. */
export const ZImportRemapInput = z.object({ id: ZImportId, mapping: ZColumnMapping });
export type TImportRemapInput = z.input<typeof ZImportRemapInput>;

/** `imports.confirm`: with a mapping other than the import's, it is staged again with it first. */
export const ZImportConfirmInput = z.object({ id: ZImportId, mapping: ZColumnMapping.optional() });
export type TImportConfirmInput = z.input<typeof ZImportConfirmInput>;

/** How many of the file's first valid rows `imports.sample` shows. */
export const IMPORT_SAMPLE_ROWS = 10;

/**
 * A valid row of the file as the import read it through its mapping (`active` null: the file
 * does not say, so a new product is active and an existing one keeps its state).
 */
export const ZImportSampleRow = z.object({
  line: z.number().int(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  active: z.boolean().nullable(),
});
export type TImportSampleRow = z.infer<typeof ZImportSampleRow>;

export const ZImportSampleOutput = z.object({ items: z.array(ZImportSampleRow) });

/** How many distinct values of the active column `imports.activeValues` lists, most rows first. */
export const ACTIVE_VALUES_LISTED = ACTIVE_VALUES_MAX;

/**
 * One distinct value of a file's active column (compared trimmed and case-insensitively, shown as
 * first written): the rows holding it, and how the mapping in force reads it (null: not
 * understood, so those rows are invalid until it is mapped in `mapping.activeValues`).
 */
export const ZActiveColumnValue = z.object({
  value: z.string(),
  rows: z.number().int(),
  active: z.boolean().nullable(),
});
export type TActiveColumnValue = z.infer<typeof ZActiveColumnValue>;

/**
 * `imports.activeValues`: the values of the column mapped to `active` (null when none is), with
 * `more` true when it held more distinct values than listed.
 */
export const ZImportActiveValuesOutput = z.object({
  column: z.string().nullable(),
  items: z.array(ZActiveColumnValue),
  more: z.boolean(),
});
export type TImportActiveValues = z.infer<typeof ZImportActiveValuesOutput>;
