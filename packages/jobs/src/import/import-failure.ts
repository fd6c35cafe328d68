import type { CsvError } from 'csv-parse';
import type { TFieldSuggestion, TImportProfile } from '@acme/shared';

/**
 * A problem with the file itself: the import ends as `failed` with this message, shown to the user
 * as is, and is not retried (the same file would fail the same way).
 */
export class ImportFailure extends Error {
  override name = 'ImportFailure';
}

/**
 * The file's sku or name column cannot be mapped with confidence and the import asked for review:
 * it waits for the user to map its columns (docs/contract.md section 2b) instead of failing.
 */
export class MappingNeeded extends Error {
  override name = 'MappingNeeded';
  /** The file's header names, trimmed. */
  readonly columns: string[];
  readonly suggestions: TFieldSuggestion[];
  readonly profile: TImportProfile;

  constructor(columns: string[], suggestions: TFieldSuggestion[], profile: TImportProfile = null) {
    const missing = suggestions.filter(
      (s) => s.column === null && (s.field === 'sku' || s.field === 'name'),
    );
    super(
      `the columns for ${missing.map((s) => s.field).join(' and ') || 'sku and name'} need to be mapped`,
    );
    this.columns = columns;
    this.suggestions = suggestions;
    this.profile = profile;
  }
}

/**
 * The worker is stopping (SIGTERM, a redeploy): the attempt stops at once and the import goes back
 * to the queue for another worker, without spending one of its attempts on the way.
 */
export class WorkerStopping extends Error {
  override name = 'WorkerStopping';
  constructor() {
    super('the worker shut down');
  }
}

/** The user asked to stop; the import ends as `cancelled` and the catalogue is left untouched. */
export class ImportCancelled extends Error {
  override name = 'ImportCancelled';
  constructor() {
    super('the import was cancelled');
  }
}

/**
 * Words a user understands for csv-parse's structural errors. `recordStartLine` is where the
 * record being parsed began (csv-parse reports the line it had reached, which for an unclosed
 * quote is the end of the file).
 */
export function describeCsvError(error: CsvError, recordStartLine: number): ImportFailure {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ImportFailure(
        `Unclosed quote: the quoted field starting on line ${recordStartLine} is never closed, so the rest of the file cannot be read.`,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new ImportFailure(
        `The record starting on line ${recordStartLine} is too large (over ${MAX_RECORD_CHARS.toLocaleString('en')} characters); most likely a quote there is never closed.`,
      );
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new ImportFailure(
        `Malformed quoting on line ${recordStartLine}: a quoted field is followed by other characters before the next comma. Quotes inside a quoted field must be doubled ("").`,
      );
    default:
      return new ImportFailure(
        `The file is not a readable CSV near line ${recordStartLine}: ${error.message}`,
      );
  }
}

/** Upper bound on one record, so a stray quote fails fast instead of swallowing the whole file. */
export const MAX_RECORD_CHARS = 1_048_576;
