/**
 * What one caller may ask of the API at once. Browser-safe (the typed client batches within
 * these); the server enforces them (apps/server/src/app.ts, apps/server/src/ws-guard.ts).
 */
export const API_LIMITS = {
  /** Bytes of one tRPC HTTP request body or WebSocket message: inputs are small JSON. */
  maxBodyBytes: 1024 * 1024,
  /** Calls in one HTTP batch request. */
  maxBatchSize: 50,
  /** Subscriptions one WebSocket may have running at once. */
  maxSubscriptionsPerSocket: 100,
  /** Validation issues reported in one error (the first ones); the rest are counted. */
  maxReportedIssues: 20,
} as const;
