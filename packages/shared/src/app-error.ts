/**
 * What a caller did wrong or cannot have, in tRPC's names so the API passes them through as they
 * are; plain HTTP routes answer the matching status. Anything that is not an AppError is a bug
 * or an outage, and reaches clients only as `internalErrorMessage`.
 */
export const APP_ERROR_HTTP_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  TIMEOUT: 408,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_HTTP_STATUS;

/** The one error domain code throws for a request it refuses; `message` is for the user. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: AppErrorCode;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get httpStatus(): number {
    return APP_ERROR_HTTP_STATUS[this.code];
  }
}

/** What a client is told of an unexpected error: nothing but the id that finds it in the log. */
export function internalErrorMessage(requestId: string | undefined): string {
  return requestId ? `Internal server error (request id ${requestId})` : 'Internal server error';
}
