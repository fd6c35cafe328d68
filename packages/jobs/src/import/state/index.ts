/**
 * The one home of an import's state: every transition (upload → queued, cancel, retry, confirm,
 * remap and expiry of a review, the worker's attempt, review, fail, complete) commits here and publishes
 * the new state on the bus.
 * The API, the upload route and the worker call these; nothing else writes `imports.status`. The
 * upload's transition is exported apart (`@acme/jobs/import-upload`, ./upload.ts), so that what only
 * reads or changes imports (the API, and the dashboard's typecheck behind it) does not load the file
 * reader.
 */
export {
  findImport,
  getImport,
  importNotFound,
  importStateColumns,
  isFinal,
  publishImport,
  type ImportPatch,
  type UpdatedImport,
} from './import-state.ts';
export { cancelImport, retryImport } from './requests.ts';
export {
  confirmImport,
  expireReviews,
  remapImport,
  REVIEW_EXPIRED,
  REVIEW_EXPIRY_HOURS,
} from './review.ts';
export {
  announceImport,
  awaitMapping,
  completeImport,
  enterReview,
  failImport,
  handBackImport,
  recordCancelled,
  recordProgress,
  requeueImport,
  startAttempt,
  type Interruption,
  type StateStore,
} from './attempt.ts';
