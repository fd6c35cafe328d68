import { pipeline } from 'node:stream/promises';
import { CsvError } from 'csv-parse';
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { IMPORT_LOCK_KEY, readCatalogueState, sql, transaction } from '@acme/db';
import type { TImport, TImportPhase } from '@acme/shared';
import type { JobDeps } from '../deps.ts';
import { enqueueJob } from '../enqueue.ts';
import { emitEvent } from '../events.ts';
import { MAINTAIN_CATALOGUE } from '../tasks/maintain-catalogue.ts';
import {
  catalogueIsEmpty,
  classifyRows,
  createStagingTable,
  dropStagingTables,
  openStagingCopy,
  recordInvalidRows,
  shouldDropSearchIndexes,
  writeCatalogue,
  type RunningQuery,
} from './catalogue-merge.ts';
import { enqueueImport } from './enqueue-import.ts';
import { openStoredFile, readFileChunks } from './file-chunks.ts';
import { emptyFile, openRecordSource, type RecordSource } from './file/record-source.ts';
import { averageRate, ImportProgress, type ProgressSource } from './import-progress.ts';
import {
  ImportCancelled,
  ImportFailure,
  MappingNeeded,
  WorkerStopping,
  describeCsvError,
} from './import-failure.ts';
import {
  announceImport,
  awaitMapping,
  completeImport,
  enterReview,
  failImport,
  handBackImport,
  recordCancelled,
  requeueImport,
  startAttempt,
} from './state/index.ts';
import { rememberedMapping } from './mapping/remembered.ts';
import { dropSearchIndexesUnlessRebuilding } from './search-index-switch.ts';
import {
  CATALOGUE_CHANGED,
  previewOf,
  reusableStaging,
  saveStagedSummary,
  type StagedSummary,
} from './staged-import.ts';
import { StagingEncoder } from './staging-encoder.ts';

const ZPayload = z.object({ importId: z.uuid() });

/**
 * `import:process_csv`: reads an uploaded CSV from Postgres, validates it row by row, and applies
 * it to the catalogue in one transaction (docs/contract.md section 2). Every attempt starts from scratch.
 * Problems with the file end the import as `failed` (no retry); infrastructure trouble puts it
 * back to `queued` and throws, so graphile-worker retries it; a worker that is stopping hands the
 * import back to the queue at once (a new job, this one completes), for another worker.
 */
export function processCsvImport(deps: JobDeps): Task {
  return async (payload, helpers) => {
    const { importId } = ZPayload.parse(payload);
    const logger = deps.logger.child({
      task: 'import:process_csv',
      jobId: helpers.job.id,
      importId,
    });
    if (deps.stopping.aborted) {
      // Taken just as the worker stops: leave it to the next worker, untouched.
      await enqueueImport(deps.sql, importId);
      return;
    }
    const started = await startAttempt(deps, importId);
    if (!started) {
      logger.info('import is final or gone; nothing to do');
      return;
    }
    if (started.cancelRequested) {
      await recordCancelled(deps, importId);
      return;
    }

    // Why the attempt stops early, as the abort's reason: a cancel or the worker stopping.
    const stop = new AbortController();
    const onStopping = () => stop.abort(new WorkerStopping());
    deps.stopping.addEventListener('abort', onStopping);
    helpers.abortSignal.addEventListener('abort', onStopping);
    try {
      const ended = await runImport(deps, started.state, stop, logger);
      announceImport(deps.bus, ended);
      if (ended.status === 'completed') logger.info({ ...countsOf(ended) }, 'import completed');
    } catch (error) {
      const attempt = started.state.attempts;
      if (error instanceof ImportCancelled) {
        await recordCancelled(deps, importId);
        logger.info('import cancelled');
      } else if (error instanceof MappingNeeded) {
        await awaitMapping(deps, importId, error);
        logger.info('import waits in review for its columns to be mapped');
      } else if (error instanceof ImportFailure) {
        await failImport(deps, importId, error.message);
        logger.info({ reason: error.message }, 'import failed on its file');
      } else if (error instanceof WorkerStopping) {
        await handBackImport(deps, importId, { attempt, reason: error.message });
        logger.info({ attempt }, 'worker stopping: import handed back to the queue');
      } else {
        const last = helpers.job.attempts >= helpers.job.max_attempts;
        const reason = error instanceof Error ? error.message : String(error);
        logger.error({ err: error, attempt }, 'import attempt interrupted');
        if (last)
          await failImport(
            deps,
            importId,
            `The import stopped after ${attempt} attempts: ${reason}`,
          );
        else await requeueImport(deps, importId, { attempt, reason });
        throw error;
      }
    } finally {
      deps.stopping.removeEventListener('abort', onStopping);
      helpers.abortSignal.removeEventListener('abort', onStopping);
    }
  };
}

async function runImport(
  deps: JobDeps,
  initial: TImport,
  stop: AbortController,
  logger: JobDeps['logger'],
): Promise<TImport> {
  const { id } = initial;
  /** Stop in `review` after step 2, or write (an import without review, or a confirmed one). */
  const reviewing = initial.review && !initial.confirmedAt;
  const startedAt = performance.now();
  const encoder = new StagingEncoder({
    // A mapping the worker chose itself is chosen again; only a person's is imposed.
    mapping: givenMapping(initial),
    remembered: (signature) => rememberedMapping(deps.sql, signature),
    // Sku or name that cannot be mapped: wait in review for the user to map them.
    review: reviewing,
    // Stored before any row is read (and before a file that cannot be mapped fails), so the
    // dashboard shows the columns and how they map.
    onPlan: () => progress.flush(),
  });
  let file: RecordSource | undefined;
  /** What step 1 staged: by this attempt, or by the review this confirmed write follows. */
  let staged = reviewing ? undefined : await reusableStaging(deps.sql, id);
  /** The statement under way, which a stop interrupts. */
  let running: RunningQuery | undefined;
  let phase: TImportPhase = staged ? 'classifying' : 'reading';
  let rowsToWrite = 0;
  let rowsWritten = 0;
  const warnings: string[] = [];
  const source = (): ProgressSource => ({
    status: phase === 'reading' ? 'parsing' : 'importing',
    phase,
    bytesProcessed: staged?.bytesRead ?? file?.bytesRead() ?? 0,
    rowsProcessed: staged ? staged.rows + staged.blank : encoder.rows + blankRows(encoder, file),
    invalid: staged?.invalid ?? encoder.invalid,
    blank: staged?.blank ?? blankRows(encoder, file),
    format: staged?.format ?? formatOf(encoder, file),
    ...mappingOf(encoder),
    rowsToWrite,
    rowsWritten,
    warnings: [...(staged?.warnings ?? warningsOf(encoder, file)), ...warnings],
  });
  const progress = new ImportProgress({
    db: deps.db,
    bus: deps.bus,
    id,
    bytesTotal: initial.bytesTotal,
    read: source,
    onCancel: () => stop.abort(new ImportCancelled()),
    onError: (error) => logger.warn({ err: error }, 'progress write failed; retrying next tick'),
  });
  stop.signal.addEventListener('abort', () => void running?.cancel());

  let searchIndexesDropped = false;
  /** The staging tables outlive the attempt when it ends in `review` (the write reuses them). */
  let keepStaging = false;
  let completed = false;
  progress.start();
  try {
    if (staged) {
      logger.info('writing the rows staged for review');
    } else {
      await dropStagingTables(deps.sql, id); // left over by an attempt whose worker died
      // 1. Parse and stage. Its own transaction: the staging table, its rows and their summary
      // appear together.
      staged = await transaction(deps.sql, async ({ sql: tx }) => {
        await createStagingTable(tx, id);
        file = await openRecordSource(readFileChunks(deps.sql, id), {
          maxBytes: deps.config.MAX_UPLOAD_BYTES,
          signal: stop.signal,
          randomAccess: () => openStoredFile(deps.sql, id),
        });
        const records = file;
        const copy = await openStagingCopy(tx, id);
        await pipeline(records.records, encoder, copy, { signal: stop.signal }).catch(
          (error: unknown) => {
            throw error instanceof CsvError
              ? describeCsvError(error, records.currentLine())
              : error;
          },
        );
        if (!encoder.header) throw new ImportFailure(emptyFile());
        const summary: StagedSummary = {
          rows: encoder.rows,
          invalid: encoder.invalid,
          blank: blankRows(encoder, records),
          bytesRead: records.bytesRead(),
          format: formatOf(encoder, records)!,
          warnings: warningsOf(encoder, records),
          activeValues: encoder.activeValues().values,
          activeValuesMore: encoder.activeValues().more,
        };
        await saveStagedSummary(tx, id, summary);
        return summary;
      });
    }
    const parsedAt = performance.now();
    phase = 'classifying';
    progress.tick();

    // 2. Last row per SKU, compared with the catalogue (unless it is empty: then all are new).
    // A review's classification is reused while the catalogue has not changed since.
    const catalogueVersion = (await readCatalogueState(deps.sql)).version;
    let classified = staged.classified;
    if (classified?.catalogueVersion !== catalogueVersion) {
      if (classified) {
        warnings.push(CATALOGUE_CHANGED);
        logger.info('the catalogue changed since the review; classifying the rows again');
      }
      classified = {
        ...(await classifyRows(deps.sql, id, { compare: !(await catalogueIsEmpty(deps.sql)) })),
        catalogueVersion,
      };
      staged = { ...staged, classified };
      await saveStagedSummary(deps.sql, id, staged);
    }
    const classification = classified;
    stop.signal.throwIfAborted();
    const { rows, invalid, blank, bytesRead, format } = staged;

    if (reviewing) {
      // Stop here: the staging tables stay for the preview, `imports.changes` and the write.
      await progress.stop();
      const inReview = await enterReview(deps.db, id, {
        bytesProcessed: bytesRead,
        rowsProcessed: rows + blank,
        invalid,
        blank,
        format,
        ...mappingOf(encoder),
        warnings: staged.warnings,
        preview: previewOf(staged, classification),
        rowsPerSecond: averageRate(rows + blank, startedAt),
      });
      // Gone, or cancelled meanwhile: a cancel asked for during the attempt ends it instead.
      if (!inReview || inReview.cancelRequested) throw new ImportCancelled();
      keepStaging = true;
      logger.info(
        {
          parseSeconds: seconds(parsedAt - startedAt),
          classifySeconds: seconds(performance.now() - parsedAt),
          ...classification,
        },
        'import ready for review',
      );
      return inReview.state;
    }

    // Drop the list's indexes if the write is large.
    if (shouldDropSearchIndexes(classification))
      searchIndexesDropped = await dropSearchIndexesUnlessRebuilding(deps.sql);
    const classifiedAt = performance.now();
    phase = 'writing';
    rowsToWrite = classification.writes;
    progress.tick();

    // 3. The catalogue write, the final state and its event: all or nothing.
    const final = await transaction(deps.sql, async ({ sql: tx, db }) => {
      await tx`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY})`;
      await recordInvalidRows(tx, id);
      const undoDays = deps.config.IMPORT_UNDO_DAYS;
      const counts = await writeCatalogue(
        tx,
        id,
        classification,
        {
          running: (query) => (running = query),
          written: (rows) => (rowsWritten = rows),
          onConflict: () => logger.info('the catalogue is no longer empty; classifying the rows'),
        },
        { journal: undoDays > 0 },
      );
      running = undefined;

      logger.info(
        {
          parseSeconds: seconds(parsedAt - startedAt),
          classifySeconds: seconds(classifiedAt - parsedAt),
          writeSeconds: seconds(performance.now() - classifiedAt),
          searchIndexesDropped,
          ...classification,
        },
        'import phases',
      );
      await progress.stop();
      stop.signal.throwIfAborted();
      const valid = rows - invalid;
      const updated = await completeImport(db, id, {
        bytesProcessed: bytesRead,
        rowsProcessed: rows + blank,
        invalid,
        blank,
        duplicates: valid - counts.created - counts.updated - counts.unchanged,
        format,
        ...mappingOf(encoder),
        warnings: [...staged!.warnings, ...warnings],
        // Every import that wrote carries a preview (docs/contract.md section 2b): a confirmed
        // review keeps the one it was confirmed on; any other, the classification it wrote by.
        ...(!initial.preview && { preview: previewOf(staged!, classification) }),
        ...counts,
        rowsToWrite: classification.writes,
        rowsWritten: counts.created + counts.updated,
        rowsPerSecond: averageRate(rows + blank, startedAt),
        // now() is this transaction's start: the updated_at of every product the import wrote.
        ...(undoDays > 0 && {
          journaledAt: sql`now()`,
          revertibleUntil: sql`now() + make_interval(days => ${undoDays})`,
        }),
      });
      if (!updated) throw new ImportCancelled(); // the row left the working states meanwhile
      await emitEvent(tx, 'import.completed', {
        id,
        filename: updated.state.filename,
        ...countsOf(updated.state),
      });
      // Rebuild dropped indexes, merge pending lists, fold counters: right after this commits.
      await enqueueJob(tx, MAINTAIN_CATALOGUE, {}, { jobKey: MAINTAIN_CATALOGUE });
      // The file served its purpose; only failed or cancelled imports keep it for a retry.
      await tx`delete from import_file_chunks where import_id = ${id}`;
      return updated.state;
    });
    completed = true;
    return final;
  } catch (error) {
    // A stop aborts the stream or the running statement; whatever error that raised, its reason
    // (a cancel, or the worker stopping) is what happened.
    throw stop.signal.aborted ? (stop.signal.reason as Error) : error;
  } finally {
    await progress.stop();
    if (!keepStaging)
      await dropStagingTables(deps.sql, id).catch((error: unknown) =>
        logger.warn({ err: error }, 'could not drop the staging tables; the rescue task will'),
      );
    if (searchIndexesDropped && !completed)
      await enqueueJob(deps.sql, MAINTAIN_CATALOGUE, {}, { jobKey: MAINTAIN_CATALOGUE });
  }
}

const seconds = (ms: number) => Math.round(ms) / 1000;

const warningsOf = (encoder: StagingEncoder, file: RecordSource | undefined) => [
  ...(encoder.header?.warnings ?? []),
  ...(file?.warnings() ?? []),
];

/** Blank rows: the file's (all fields empty) and the mapping's (e.g. Shopify image rows). */
const blankRows = (encoder: StagingEncoder, file: RecordSource | undefined) =>
  (file?.blank() ?? 0) + encoder.blank;

const formatOf = (encoder: StagingEncoder, file: RecordSource | undefined) =>
  file ? { ...file.format, profile: encoder.plan?.profile ?? null } : null;

/**
 * The mapping a person gave (upload, `imports.remap`, `imports.confirm`), which the worker applies
 * over everything else. Null as source: stored by the upload before any worker read the file.
 */
const givenMapping = ({ mapping, mappingSource }: TImport) =>
  mappingSource === null || mappingSource === 'given' ? mapping : null;

/** The header's columns and mapping, once read (absent before: nothing to write yet). */
const mappingOf = (encoder: StagingEncoder) =>
  encoder.plan && encoder.columns
    ? {
        columns: encoder.columns,
        mapping: encoder.plan.mapping,
        mappingSource: encoder.plan.source,
        suggestions: encoder.plan.suggestions,
      }
    : {};

function countsOf(state: TImport) {
  const { rowsProcessed, created, updated, unchanged, invalid, duplicates, blank } = state;
  return { rows: rowsProcessed, created, updated, unchanged, invalid, duplicates, blank };
}
