import { z } from 'zod';
import { ZColumnMapping, ZFieldSuggestion, ZImportProfile, ZMappingSource } from './mapping.ts';

export const IMPORT_STATUSES = [
  'queued',
  'parsing',
  'review',
  'importing',
  'completed',
  'failed',
  'cancelled',
] as const;
export const ZImportStatus = z.enum(IMPORT_STATUSES);
export type TImportStatus = z.infer<typeof ZImportStatus>;

/** After one of these an import never changes again (until a retry starts it anew). */
export const FINAL_IMPORT_STATUSES: readonly TImportStatus[] = ['completed', 'failed', 'cancelled'];

/**
 * Statuses in which a worker owns the import (a job runs it or will). `review` is not one: such an
 * import waits for a person, with no job, for as long as it takes.
 */
export const WORKING_IMPORT_STATUSES: readonly TImportStatus[] = ['queued', 'parsing', 'importing'];

/**
 * What an import reviewed before it writes will do (docs/contract.md section 2b): the counts the write would
 * give against the catalogue as it was at classification, computed by the same code as the write.
 */
export const ZImportPreview = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  invalid: z.number().int(),
  /** Valid rows superseded by a later row of the same SKU (the last one wins). */
  duplicates: z.number().int(),
  /** Rows whose fields were all empty or white space (skipped, not invalid). */
  blank: z.number().int(),
});
export type TImportPreview = z.infer<typeof ZImportPreview>;

/** How a file was read (docs/contract.md section 2). */
export const ZImportFormat = z.object({
  /**
   * `utf-8`, `utf-16le`, `utf-16be`, or a code page: `windows-1252`, `macintosh`, `windows-1250`,
   * `iso-8859-2`, `windows-1251`, `koi8-r`, `shift_jis`, `gb18030`, `big5`, `euc-kr` (WHATWG
   * names); `xlsx` for a workbook.
   */
  encoding: z.string(),
  /** `,` `;` tab or `|`, or what an Excel `sep=` line named; `xlsx` for a workbook (cells). */
  delimiter: z.string(),
  /** `gzip` or `zip` (the file read from a zip archive), or null for a plain file. */
  compression: z.string().nullable(),
  /** The shop export recognised by its header (docs/contract.md section 2b), or null; absent on older imports. */
  profile: ZImportProfile.default(null),
});
export type TImportFormat = z.infer<typeof ZImportFormat>;

/** How the dashboard and the import's messages name each `encoding` a file is read in. */
export const ENCODING_LABELS = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252',
  macintosh: 'Mac Roman',
  'windows-1250': 'Windows-1250 (Central European)',
  'iso-8859-2': 'ISO-8859-2 (Central European)',
  'windows-1251': 'Windows-1251 (Cyrillic)',
  'koi8-r': 'KOI8-R (Cyrillic)',
  shift_jis: 'Shift_JIS (Japanese)',
  gb18030: 'GB18030 (Chinese)',
  big5: 'Big5 (Traditional Chinese)',
  'euc-kr': 'EUC-KR (Korean)',
} as const;

/** An encoding's label, or its name when it has none. */
export const encodingLabel = (encoding: string): string =>
  (ENCODING_LABELS as Record<string, string>)[encoding] ?? encoding;

/** How the dashboard names each `compression`: what the file came in. */
export const COMPRESSION_LABELS = { gzip: 'gzip-compressed', zip: 'zipped' } as const;

/** A compression's label, or its name when it has none. */
export const compressionLabel = (compression: string): string =>
  (COMPRESSION_LABELS as Record<string, string>)[compression] ?? compression;

/**
 * What a working import is doing: reading the file (status `parsing`), comparing its rows with the
 * catalogue, then writing them (both status `importing`). Null before the first attempt starts.
 */
export const IMPORT_PHASES = ['reading', 'classifying', 'writing'] as const;
export const ZImportPhase = z.enum(IMPORT_PHASES);
export type TImportPhase = z.infer<typeof ZImportPhase>;

/** Why an earlier attempt of an import stopped before it finished (shown when attempts > 1). */
export const ZImportInterruption = z.object({
  attempt: z.number().int(),
  reason: z.string(),
  /** ISO-8601 (stored as JSON). */
  at: z.string(),
});
export type TImportInterruption = z.infer<typeof ZImportInterruption>;

export const ZImportId = z.uuid({ error: 'id must be an import id (UUID)' });

/**
 * An import's whole state (docs/contract.md section 4 plus extras). The worker publishes this same shape on
 * the bus after every change, with `version` increased by one each time, so subscribers can drop
 * stale or repeated states and resume from the last version they saw.
 */
export const ZImport = z.object({
  id: z.string(),
  filename: z.string(),
  status: ZImportStatus,
  error: z.string().nullable(),
  bytesTotal: z.number().int(),
  bytesProcessed: z.number().int(),
  rowsProcessed: z.number().int(),
  /** What the import did (so far): the counts its preview would give. */
  ...ZImportPreview.shape,
  /** How the file was read; null until its first bytes were. */
  format: ZImportFormat.nullable(),
  /** The file's header names as written (trimmed); null until its header was read. */
  columns: z.array(z.string()).nullable().default(null),
  /** The column mapping in force (given, remembered, a profile's or matched); null while none is. */
  mapping: ZColumnMapping.nullable().default(null),
  /**
   * Where the mapping came from: `given` (the upload, `imports.remap` or `imports.confirm`),
   * `remembered` (confirmed earlier for a file with the same columns), `profile` (a shop
   * export's) or `matched` (by name, alias or fuzzy matching); null while none is known.
   */
  mappingSource: ZMappingSource.nullable().default(null),
  /** For each product field: the column chosen, its confidence and the other candidates. */
  suggestions: z.array(ZFieldSuggestion).nullable().default(null),
  /** Rows per second over the last progress interval (0 when idle). */
  rowsPerSecond: z.number(),
  /** 0–100, across parsing and writing. */
  percent: z.number(),
  phase: ZImportPhase.nullable(),
  /** In the write phase: products the import will create or change, and how many it has so far. */
  rowsToWrite: z.number().int(),
  rowsWritten: z.number().int(),
  /** Earlier attempts that stopped before the end, oldest first. */
  interruptions: z.array(ZImportInterruption),
  /** Non-fatal notes, e.g. unknown columns that were ignored. */
  warnings: z.array(z.string()),
  cancelRequested: z.boolean(),
  /** The upload asked to stop in `review` before writing (the dashboard always does). */
  review: z.boolean(),
  /**
   * Set in `review` once the rows are staged and classified, and kept after the import applies;
   * an import without review gets the one its write classified by when it completes.
   */
  preview: ZImportPreview.nullable(),
  /** When a person confirmed the reviewed import (null before, and for imports without review). */
  confirmedAt: z.date().nullable(),
  attempts: z.number().int(),
  version: z.number().int(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  /**
   * Until when `imports.revert` can undo the import (IMPORT_UNDO_DAYS after it wrote); null when
   * it cannot (not completed, journaled before undo existed or with undo off).
   */
  revertibleUntil: z.date().nullable(),
  /** When it was reverted; null if it was not. */
  revertedAt: z.date().nullable(),
});
export type TImport = z.infer<typeof ZImport>;

/** What `imports.revert` did (or, from `imports.revertPreview`, would do). */
export const ZImportRevertCounts = z.object({
  /** Products the import updated, put back as they were before it. */
  restored: z.number().int(),
  /** Products the import created, deleted. */
  deleted: z.number().int(),
  /** Products changed since the import (edited, imported again or deleted), left as they are. */
  kept: z.number().int(),
});
export type TImportRevertCounts = z.infer<typeof ZImportRevertCounts>;

export const ZImportError = z.object({
  line: z.number().int(),
  sku: z.string().nullable(),
  message: z.string(),
});
export type TImportError = z.infer<typeof ZImportError>;

/** The bus channel carrying an import's states. */
export const importChannel = (id: string): string => `import:${id}`;
