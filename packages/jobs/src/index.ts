export { createWorkerDeps, type JobDeps, type WorkerDeps } from './deps.ts';
export { enqueueJob, type EnqueueOptions } from './enqueue.ts';
export { createTaskList, cronItems } from './task-list.ts';
export { MAINTAIN_CATALOGUE } from './tasks/maintain-catalogue.ts';
export { emitEvent, type EmittedEvent } from './events.ts';
export {
  enqueueImport,
  importJobKey,
  IMPORT_MAX_ATTEMPTS,
  IMPORT_QUEUE,
  PROCESS_CSV_IMPORT,
} from './import/enqueue-import.ts';
export {
  enqueueRescue,
  RESCUE_STALLED_IMPORTS,
  rescueStalledImports,
} from './import/rescue-stalled.ts';
export { createWebhookDeliveryTasks, type WebhookDeliveryTasks } from './webhooks/index.ts';
export {
  isJobRunningLive,
  releaseDeadWorkers,
  startLivenessBeacon,
  type LivenessBeacon,
} from './liveness/worker-liveness.ts';
// The parse path alone, which bench/parse.ts and bench/xlsx.ts time.
export { openRecordSource } from './import/file/record-source.ts';
export { StagingEncoder } from './import/staging-encoder.ts';
export { stagedChanges, stagedSample } from './import/staged-rows.ts';
export { sniffFileKind, sniffGzipContent, type FileKind } from './import/file/file-kind.ts';
export { bulkCatalogueWrite } from './catalogue-bulk-write.ts';
