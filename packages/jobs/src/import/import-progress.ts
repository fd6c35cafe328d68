import type { Db } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type {
  TColumnMapping,
  TFieldSuggestion,
  TImportFormat,
  TImportPhase,
  TImportStatus,
} from '@acme/shared';
import { recordProgress } from './state/index.ts';

/** Progress is written (and cancel checked) this often: at least once a second, as promised. */
export const PROGRESS_INTERVAL_MS = 500;

/**
 * Where each phase sits on the percent bar. Reading moves with the bytes read, writing with the
 * products written; comparing with the catalogue is one step between them (it is one statement,
 * with nothing to count while it runs).
 */
const READ_SHARE = 55;
const CLASSIFY_SHARE = 5;

/** What the running import reports; read at each tick. */
export interface ProgressSource {
  status: Extract<TImportStatus, 'parsing' | 'importing'>;
  phase: TImportPhase;
  bytesProcessed: number;
  rowsProcessed: number;
  invalid: number;
  blank: number;
  /** How the file is read, once its head was (null before). */
  format: TImportFormat | null;
  /** Once the header is read: its names, the mapping in force and the suggestions (else absent). */
  columns?: string[];
  mapping?: TColumnMapping | null;
  suggestions?: TFieldSuggestion[];
  rowsToWrite: number;
  rowsWritten: number;
  warnings: string[];
}

/**
 * Writes the running import's progress to its row (durable, with a heartbeat), then publishes it;
 * notices a cancel request on the way. Runs on the pool, beside the import's own transaction.
 * Writes never overlap, and a failed write (Postgres blip) is logged and retried at the next
 * tick rather than failing the import. The rate is that of the current phase: rows read per
 * second while reading, products written per second while writing.
 */
export class ImportProgress {
  readonly #db: Db;
  readonly #bus: Bus;
  readonly #id: string;
  readonly #bytesTotal: number;
  readonly #read: () => ProgressSource;
  readonly #onCancel: () => void;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  readonly #rate = new PhaseRate();

  constructor(options: {
    db: Db;
    bus: Bus;
    id: string;
    bytesTotal: number;
    read: () => ProgressSource;
    onCancel: () => void;
    onError: (error: unknown) => void;
  }) {
    this.#db = options.db;
    this.#bus = options.bus;
    this.#id = options.id;
    this.#bytesTotal = options.bytesTotal;
    this.#read = options.read;
    this.#onCancel = options.onCancel;
    this.#onError = options.onError;
  }

  start(): void {
    this.#timer = setInterval(() => this.tick(), PROGRESS_INTERVAL_MS);
  }

  /** Writes the progress now (unless a write is under way), e.g. when a phase begins. */
  tick(): void {
    this.#inFlight ??= this.#write().finally(() => (this.#inFlight = undefined));
  }

  /** Writes the progress now and waits for it (after a write already under way). */
  async flush(): Promise<void> {
    await this.#inFlight;
    this.tick();
    await this.#inFlight;
  }

  /** Stops ticking and waits for a write under way, so the final state is written last. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#inFlight;
  }

  async #write(): Promise<void> {
    const source = this.#read();
    try {
      const updated = await recordProgress(this.#db, this.#bus, this.#id, {
        ...source,
        rowsPerSecond: this.#rate.sample(
          source.phase,
          source.phase === 'writing' ? source.rowsWritten : source.rowsProcessed,
          performance.now(),
        ),
        percent: progressPercent(source, this.#bytesTotal),
      });
      if (updated?.cancelRequested) this.#onCancel();
    } catch (error) {
      this.#onError(error);
    }
  }
}

/**
 * Rows read (or products written) per second since the current phase began. A rate between two
 * ticks would not do: products are written in statements of many thousand rows, each longer than a
 * tick, so it would read 0 between them (and the reading rate would jump with each batch).
 */
export class PhaseRate {
  #start: { phase: TImportPhase; count: number; at: number } | undefined;

  /** `at` in milliseconds (performance.now()). Comparing with the catalogue counts nothing: 0. */
  sample(phase: TImportPhase, count: number, at: number): number {
    if (this.#start?.phase !== phase) this.#start = { phase, count, at };
    const seconds = (at - this.#start.at) / 1000;
    if (phase === 'classifying' || seconds <= 0) return 0;
    return Math.round((count - this.#start.count) / seconds);
  }
}

/** 0–100 (below 100 until the import completes): reading by bytes, writing by products. */
export function progressPercent(source: ProgressSource, bytesTotal: number): number {
  switch (source.phase) {
    case 'reading': {
      const read = bytesTotal > 0 ? source.bytesProcessed / bytesTotal : 0;
      return round1(READ_SHARE * Math.min(1, read));
    }
    case 'classifying':
      return READ_SHARE;
    case 'writing': {
      const written = source.rowsToWrite > 0 ? source.rowsWritten / source.rowsToWrite : 1;
      const start = READ_SHARE + CLASSIFY_SHARE;
      return Math.min(99.9, round1(start + (100 - start) * written));
    }
  }
}

/** Rows per second since `startedAt` (a performance.now() value). */
export function averageRate(rows: number, startedAt: number): number {
  const seconds = (performance.now() - startedAt) / 1000;
  return seconds > 0 ? Math.round(rows / seconds) : 0;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
