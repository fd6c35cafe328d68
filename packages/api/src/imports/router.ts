import {
  ZImport,
  ZImportActiveValuesOutput,
  ZImportById,
  ZImportChangesInput,
  ZImportChangesOutput,
  ZImportConfirmInput,
  ZImportErrorsInput,
  ZImportErrorsOutput,
  ZImportListInput,
  ZImportListOutput,
  ZImportProgressInput,
  ZImportRemapInput,
  ZImportRevertCounts,
  ZImportSampleOutput,
} from '@acme/shared';
import { publicProcedure, router } from '../trpc.ts';
import { zTrackedIterable } from '../zod-tracked-iterable.ts';
import { followImport } from './follow-import.ts';
import {
  cancelImport,
  confirmImport,
  getImport,
  remapImport,
  retryImport,
} from '@acme/jobs/import-state';
import { listImportErrors, listImports } from './list-imports.ts';
import { previewRevert, revertImport } from './revert-import.ts';
import { importActiveValues, importSample, listImportChanges } from './review-rows.ts';

export const importsRouter = router({
  list: publicProcedure
    .input(ZImportListInput)
    .output(ZImportListOutput)
    .query(({ ctx, input }) => listImports(ctx.db, input)),
  byId: publicProcedure
    .input(ZImportById)
    .output(ZImport)
    .query(({ ctx, input }) => getImport(ctx.db, input.id)),
  errors: publicProcedure
    .input(ZImportErrorsInput)
    .output(ZImportErrorsOutput)
    .query(({ ctx, input }) => listImportErrors(ctx.db, input)),
  cancel: publicProcedure
    .input(ZImportById)
    .output(ZImport)
    .mutation(({ ctx, input }) => cancelImport(ctx, input.id)),
  retry: publicProcedure
    .input(ZImportById)
    .output(ZImport)
    .mutation(({ ctx, input }) => retryImport(ctx, input.id)),
  revert: publicProcedure
    .input(ZImportById)
    .output(ZImportRevertCounts)
    .mutation(({ ctx, input }) => revertImport(ctx, input.id)),
  /** What `revert` would do now (for a confirmation), changing nothing. */
  revertPreview: publicProcedure
    .input(ZImportById)
    .output(ZImportRevertCounts)
    .query(({ ctx, input }) => previewRevert(ctx.sql, input.id)),
  /** Applies an import in review; with a new mapping it stages the stored file again first. */
  confirm: publicProcedure
    .input(ZImportConfirmInput)
    .output(ZImport)
    .mutation(({ ctx, input }) => confirmImport(ctx, input.id, input.mapping)),
  /** Stages an import in review again with another mapping, back to review with a new preview. */
  remap: publicProcedure
    .input(ZImportRemapInput)
    .output(ZImport)
    .mutation(({ ctx, input }) => remapImport(ctx, input.id, input.mapping)),
  changes: publicProcedure
    .input(ZImportChangesInput)
    .output(ZImportChangesOutput)
    .query(({ ctx, input }) => listImportChanges(ctx, input)),
  sample: publicProcedure
    .input(ZImportById)
    .output(ZImportSampleOutput)
    .query(({ ctx, input }) => importSample(ctx, input.id)),
  /** The values of the active column and how the mapping reads them, for `mapping.activeValues`. */
  activeValues: publicProcedure
    .input(ZImportById)
    .output(ZImportActiveValuesOutput)
    .query(({ ctx, input }) => importActiveValues(ctx, input.id)),
  onProgress: publicProcedure
    .input(ZImportProgressInput)
    .output(zTrackedIterable(ZImport))
    .subscription(({ ctx, input, signal }) =>
      followImport(ctx, input.id, input.lastEventId, signal),
    ),
});
