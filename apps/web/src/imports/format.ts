import type { TImportFormat, TImportStatus, TImport } from '@acme/shared';
import {
  compressionLabel,
  encodingLabel,
  FINAL_IMPORT_STATUSES,
  PROFILE_LABELS,
} from '@acme/shared';

export const isFinal = (status: TImportStatus): boolean => FINAL_IMPORT_STATUSES.includes(status);

type PhaseState = Pick<
  TImport,
  'status' | 'phase' | 'cancelRequested' | 'attempts' | 'confirmedAt'
>;

/** The step a working import is in: its status, refined by its phase. */
function step(
  state: PhaseState,
):
  | 'cancelling'
  | 'waiting'
  | 'waiting-to-write'
  | 'reading'
  | 'comparing'
  | 'writing'
  | TImportStatus {
  if (state.cancelRequested && !isFinal(state.status)) return 'cancelling';
  // A confirmed review read its file already: its job only writes the staged rows.
  if (state.status === 'queued') return state.confirmedAt ? 'waiting-to-write' : 'waiting';
  if (state.status === 'parsing') return 'reading';
  if (state.status === 'importing') return state.phase === 'writing' ? 'writing' : 'comparing';
  return state.status;
}

/** The phase a person reads: what the import is doing now, in plain words. */
export function phaseText(state: PhaseState): string {
  switch (step(state)) {
    case 'cancelling':
      return 'Cancelling…';
    case 'waiting':
      return state.attempts > 0 ? 'Waiting to resume' : 'Waiting to start';
    case 'waiting-to-write':
      return 'Confirmed, waiting to write';
    case 'reading':
      return 'Reading the file';
    case 'comparing':
      return 'Comparing with the catalogue';
    case 'writing':
      return 'Writing to the catalogue';
    case 'completed':
      return 'Import complete';
    case 'failed':
      return 'Import failed';
    case 'cancelled':
      return 'Import cancelled';
    case 'review':
      return 'Waiting for your review';
    default:
      return 'Importing';
  }
}

/** The same phase in one word, for badges: heading and badge always agree. */
export function phaseBadge(state: PhaseState): string {
  const current = step(state);
  return current === 'waiting' || current === 'waiting-to-write' ? 'queued' : current;
}

export function statusTone(status: TImportStatus): 'ok' | 'danger' | 'warn' | 'info' {
  if (status === 'completed') return 'ok';
  if (status === 'failed') return 'danger';
  if (status === 'cancelled') return 'warn';
  return 'info';
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/**
 * From the start of the first attempt to the end, across every attempt (an interrupted attempt
 * and the wait for the next one count); null while it hasn't both started and finished.
 */
export function importDuration(state: Pick<TImport, 'startedAt' | 'finishedAt'>): string | null {
  if (!state.startedAt || !state.finishedAt) return null;
  return formatDuration(state.finishedAt.getTime() - state.startedAt.getTime());
}

/** Why earlier attempts stopped, one sentence each, oldest first (empty for a first attempt). */
export function interruptionNotes(state: Pick<TImport, 'interruptions'>): string[] {
  return state.interruptions.map(
    ({ attempt, reason, at }) =>
      `Attempt ${attempt} stopped at ${new Date(at).toLocaleTimeString()}: ${reason}.`,
  );
}

/**
 * Time left from how fast the percentage moved since `since` (the first state this view saw):
 * null until there is enough to go on.
 */
export function timeLeftMs(
  since: { percent: number; at: number },
  now: { percent: number; at: number },
): number | null {
  const gained = now.percent - since.percent;
  const elapsed = now.at - since.at;
  if (gained <= 0 || elapsed < 1000 || now.percent >= 100) return null;
  return ((100 - now.percent) / gained) * elapsed;
}

const DELIMITERS: Record<string, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
};

/** The character encoding a file was read in, by its usual name ("Excel workbook" for .xlsx). */
export function encodingText(format: Pick<TImportFormat, 'encoding'>): string {
  if (format.encoding === 'xlsx') return 'Excel workbook (.xlsx), first sheet';
  return encodingLabel(format.encoding);
}

/** The delimiter in a word ("semicolon"); null for a workbook, whose cells have none. */
export function delimiterText(
  format: Pick<TImportFormat, 'encoding' | 'delimiter'>,
): string | null {
  if (format.encoding === 'xlsx') return null;
  return DELIMITERS[format.delimiter] ?? `"${format.delimiter}"`;
}

/**
 * How the file was read, in words: "UTF-8 · semicolon-separated · gzip-compressed", with the shop export
 * recognised ("Shopify products export · UTF-8 · comma-separated").
 */
export function formatText(
  format: Omit<TImportFormat, 'profile'> & { profile?: TImportFormat['profile'] },
): string {
  const delimiter = delimiterText(format);
  const parts = [
    ...(format.profile ? [PROFILE_LABELS[format.profile]] : []),
    encodingText(format),
    // A workbook's cells have no character encoding or delimiter to name.
    ...(delimiter ? [`${delimiter}-separated`] : []),
  ];
  if (format.compression) parts.push(compressionLabel(format.compression));
  return parts.join(' · ');
}

/** What happened to the rows that wrote nothing: repeated SKUs and blank rows. */
export function skippedRowsText(state: Pick<TImport, 'duplicates' | 'blank'>): string[] {
  const notes: string[] = [];
  if (state.duplicates > 0)
    notes.push(
      `${state.duplicates.toLocaleString()} ${state.duplicates === 1 ? 'row' : 'rows'} repeated a SKU; the last one was used.`,
    );
  if (state.blank > 0)
    notes.push(
      `${state.blank.toLocaleString()} blank ${state.blank === 1 ? 'row was' : 'rows were'} skipped.`,
    );
  return notes;
}
