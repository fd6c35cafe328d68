import type { ServerResponse } from 'node:http';
import { AppError, internalErrorMessage } from '@acme/shared';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * The plain routes' error answer, the same for all: an AppError's status with `{ code, message }`;
 * anything else a 500 whose message holds only the request id (the caller logs the error).
 */
export function sendError(res: ServerResponse, error: unknown, requestId?: string): void {
  if (error instanceof AppError) {
    sendJson(res, error.httpStatus, { code: error.code, message: error.message });
    return;
  }
  sendJson(res, 500, {
    code: 'INTERNAL_SERVER_ERROR',
    message: internalErrorMessage(requestId),
    requestId,
  });
}
