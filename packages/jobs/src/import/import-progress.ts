import type { Db } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { TImportFormat, TImportStatus } from '@acme/shared';
import { publishImport, updateImport } from './import-state.ts';

/** Progress is written (and cancel checked) this often: at least once a second, as promised. */
export const PROGRESS_INTERVAL_MS = 500;

/** Share of the percent bar for reading the file; the rest is the catalogue merge. */
const PARSE_SHARE = 55;
/** Rough merge speed on the reference machine (perf.md), only to move the bar during the merge. */
const MERGE_ROWS_PER_SECOND = 50_000;

/** What the running import reports; read at each tick. */
export interface ProgressSource {
  status: Extract<TImportStatus, 'parsing' | 'importing'>;
  bytesProcessed: number;
  rowsProcessed: number;
  invalid: number;
  blank: number;
  /** How the file is read, once its head was (null before). */
  format: TImportFormat | null;
  warnings: string[];
}

/**
 * Writes the running import's progress to its row (durable, with a heartbeat that tells the
 * stalled-import rescue this worker is alive), then publishes it; notices a cancel request on the
 * way. Runs on the pool, beside the import's own transaction. Writes never overlap, and a failed
 * write (Postgres blip) is logged and retried at the next tick rather than failing the import.
 */
export class ImportProgress {
  readonly #db: Db;
  readonly #bus: Bus;
  readonly #id: string;
  readonly #bytesTotal: number;
  readonly #startedAt: number;
  readonly #read: () => ProgressSource;
  readonly #onCancel: () => void;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #lastRows = 0;
  #lastAt = performance.now();
  #mergeStartedAt: number | undefined;

  constructor(options: {
    db: Db;
    bus: Bus;
    id: string;
    bytesTotal: number;
    /** performance.now() when the attempt started. */
    startedAt: number;
    read: () => ProgressSource;
    onCancel: () => void;
    onError: (error: unknown) => void;
  }) {
    this.#db = options.db;
    this.#bus = options.bus;
    this.#id = options.id;
    this.#bytesTotal = options.bytesTotal;
    this.#startedAt = options.startedAt;
    this.#read = options.read;
    this.#onCancel = options.onCancel;
    this.#onError = options.onError;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#inFlight ??= this.#write().finally(() => (this.#inFlight = undefined));
    }, PROGRESS_INTERVAL_MS);
  }

  /** Stops ticking and waits for a write under way, so the final state is written last. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#inFlight;
  }

  async #write(): Promise<void> {
    const source = this.#read();
    const now = performance.now();
    const seconds = (now - this.#lastAt) / 1000;
    // While parsing: the rate over the last interval; while merging (no rows move): the average.
    const rowsPerSecond =
      source.status === 'parsing' && seconds > 0
        ? Math.round((source.rowsProcessed - this.#lastRows) / seconds)
        : averageRate(source.rowsProcessed, this.#startedAt);
    this.#lastRows = source.rowsProcessed;
    this.#lastAt = now;
    try {
      const updated = await updateImport(this.#db, this.#id, {
        ...source,
        rowsPerSecond,
        percent: this.#percent(source, now),
        heartbeatAt: new Date(),
      });
      if (!updated) return;
      publishImport(this.#bus, updated.state);
      if (updated.cancelRequested) this.#onCancel();
    } catch (error) {
      this.#onError(error);
    }
  }

  #percent(source: ProgressSource, now: number): number {
    if (source.status === 'parsing') {
      const read = this.#bytesTotal > 0 ? source.bytesProcessed / this.#bytesTotal : 0;
      return round1(PARSE_SHARE * Math.min(1, read));
    }
    this.#mergeStartedAt ??= now;
    const expected = Math.max(1, source.rowsProcessed / MERGE_ROWS_PER_SECOND);
    const done = Math.min(0.95, (now - this.#mergeStartedAt) / 1000 / expected);
    return round1(PARSE_SHARE + (100 - PARSE_SHARE) * done);
  }
}

/** Rows per second since `startedAt` (a performance.now() value). */
export function averageRate(rows: number, startedAt: number): number {
  const seconds = (performance.now() - startedAt) / 1000;
  return seconds > 0 ? Math.round(rows / seconds) : 0;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
