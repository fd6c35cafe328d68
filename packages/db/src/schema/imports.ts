import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  IMPORT_PHASES,
  IMPORT_STATUSES,
  MAPPING_SOURCES,
  type TActiveColumnValue,
  type TColumnMapping,
  type TFieldSuggestion,
  type TImportFormat,
  type TImportInterruption,
  type TImportPreview,
} from '@acme/shared';

export const importStatus = pgEnum('import_status', IMPORT_STATUSES);

/**
 * Written in the transaction that fills an import's staging table (and completed after the
 * classification): how many rows it holds and what the file's reading found, which the write
 * after a review needs without reading the file again. Internal: not part of the import's state.
 */
export interface StagedSummary {
  rows: number;
  invalid: number;
  blank: number;
  bytesRead: number;
  format: TImportFormat;
  warnings: string[];
  /**
   * The distinct values of the active column, as read with the mapping (absent: staged before
   * they were counted); `activeValuesMore` when there were more than listed.
   */
  activeValues?: TActiveColumnValue[];
  activeValuesMore?: boolean;
  /** The classification (`latest` table) and the catalogue version it was made against. */
  classified?: {
    distinct: number;
    writes: number;
    created: number;
    catalogue: number;
    compared: boolean;
    catalogueVersion: number;
  };
}

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** One upload and its durable state; the dashboard and `imports.*` read it, the worker writes it. */
export const imports = pgTable(
  'imports',
  {
    id: uuid().primaryKey().defaultRandom(),
    filename: text().notNull(),
    status: importStatus().notNull().default('queued'),
    error: text(),
    bytesTotal: bigint({ mode: 'number' }).notNull().default(0),
    bytesProcessed: bigint({ mode: 'number' }).notNull().default(0),
    rowsProcessed: integer().notNull().default(0),
    created: integer().notNull().default(0),
    updated: integer().notNull().default(0),
    unchanged: integer().notNull().default(0),
    invalid: integer().notNull().default(0),
    /** Valid rows superseded by a later row of the same SKU. */
    duplicates: integer().notNull().default(0),
    /** Rows whose fields were all empty or white space. */
    blank: integer().notNull().default(0),
    /** How the file was read (encoding, delimiter, compression); null until its head was. */
    format: jsonb().$type<TImportFormat>(),
    /** The file's header names as written (trimmed); null until the header was read. */
    columns: jsonb().$type<string[]>(),
    /**
     * The column mapping in force: given at upload (or in review) before the worker starts, else
     * what the worker chose from a remembered mapping, a shop profile or matching.
     */
    mapping: jsonb().$type<TColumnMapping>(),
    /**
     * Where `mapping` came from: 'given' (upload, remap or confirm), 'remembered', 'profile' or
     * 'matched' (chosen by the worker). Null with a mapping: given at upload, not yet read by a
     * worker.
     */
    mappingSource: text({ enum: MAPPING_SOURCES }),
    /** Per product field, the column chosen and the candidates with their confidence. */
    suggestions: jsonb().$type<TFieldSuggestion[]>(),
    rowsPerSecond: real().notNull().default(0),
    percent: real().notNull().default(0),
    phase: text({ enum: IMPORT_PHASES }),
    rowsToWrite: integer().notNull().default(0),
    rowsWritten: integer().notNull().default(0),
    interruptions: jsonb().$type<TImportInterruption[]>().notNull().default([]),
    warnings: jsonb().$type<string[]>().notNull().default([]),
    cancelRequested: boolean().notNull().default(false),
    /** Stop in `review` after staging and classification instead of writing (upload field). */
    review: boolean().notNull().default(false),
    /** The counts the write would give, shown in `review` (see ZImportPreview). */
    preview: jsonb().$type<TImportPreview>(),
    /** Set when a person confirms the reviewed import: its job then writes. */
    confirmedAt: timestamp({ withTimezone: true }),
    /** What an attempt staged, so that the write after a review reuses it (see staged-import.ts). */
    staged: jsonb().$type<StagedSummary>(),
    attempts: integer().notNull().default(0),
    /** Bumped on every change; the tracked id of `imports.onProgress`. */
    version: integer().notNull().default(0),
    /** Set by the worker while it works; a stale one means the worker died. */
    heartbeatAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /**
     * The write transaction's `now()` when the import journaled its changes (import_journal): the
     * `updated_at` of every product it wrote. Null when it has no journal (undo was off, or the
     * journal was pruned).
     */
    journaledAt: timestamp({ withTimezone: true }),
    /** Until when `imports.revert` may undo it (IMPORT_UNDO_DAYS after its write). */
    revertibleUntil: timestamp({ withTimezone: true }),
    revertedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('imports_created_at_idx').on(t.createdAt)],
);

/**
 * The uploaded file, in order, as ~1 MiB pieces: the file reaches whichever worker takes the job
 * through Postgres, with no shared disk. Kept until the import completes, so a retry needs no
 * second upload.
 */
export const importFileChunks = pgTable(
  'import_file_chunks',
  {
    importId: uuid()
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    seq: integer().notNull(),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/** Every row an import skipped, with its line in the file. */
export const importErrors = pgTable(
  'import_errors',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    importId: uuid()
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    line: integer().notNull(),
    sku: text(),
    message: text().notNull(),
  },
  (t) => [index('import_errors_import_line_idx').on(t.importId, t.line)],
);

/**
 * Mappings confirmed or given by a user, under the header signature of the file they were made
 * for (its column names, order-insensitive): the next file with the same columns maps itself.
 */
export const importMappings = pgTable('import_mappings', {
  signature: text().primaryKey(),
  mapping: jsonb().$type<TColumnMapping>().notNull(),
  /** The header names as the file that taught this mapping wrote them. */
  columns: jsonb().$type<string[]>().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** The progress of an attempt that has not run yet: what a retry or a new attempt starts from. */
export const FRESH_IMPORT_PROGRESS = {
  error: null,
  bytesProcessed: 0,
  rowsProcessed: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  invalid: 0,
  duplicates: 0,
  blank: 0,
  format: null,
  rowsPerSecond: 0,
  percent: 0,
  phase: null,
  rowsToWrite: 0,
  rowsWritten: 0,
  warnings: [] as string[],
} as const;
