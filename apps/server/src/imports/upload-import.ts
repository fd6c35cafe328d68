import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy, { type FileInfo } from 'busboy';
import type { Sql } from '@acme/db';
import { fileTooLarge, storeUpload } from '@acme/jobs/import-upload';
import type { Logger } from '@acme/runtime/logger';
import { sendError, sendJson } from '../http-utils.ts';
import { AppError, unreadSpreadsheetReason } from '@acme/shared';
import { describeNonCsv, hasCsvNameOrType } from './sniff-csv.ts';
import { UploadAborted } from './upload-error.ts';
import { uploadOptions } from './upload-fields.ts';

/** Room for the multipart framing around the file when comparing Content-Length to the limit. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** How long a refused upload's remaining body is read and dropped before the socket is closed. */
const DISCARD_BODY_MS = 5_000;
const NO_FILE = 'The request has no file: send it as multipart/form-data in a field named "file"';

export interface UploadDeps {
  /** Each upload holds one connection of this pool for its whole transaction. */
  sql: Sql;
  logger: Logger;
  maxUploadBytes: number;
  /** An upload that sends nothing for this long is aborted (408) and rolled back. */
  idleTimeoutMs: number;
}

/**
 * Control characters, bidi overrides (which can make `evil\u202Evsc.csv` read as `evil.csv`…)
 * and over-long names would only hurt logs and the dashboard; a part without a name (`filename=""`)
 * is `upload.csv`.
 */
export function cleanFilename(name: string | undefined): string {
  const cleaned = (name ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .normalize('NFC')
    .trim();
  return [...cleaned].slice(0, 255).join('') || 'upload.csv';
}

/**
 * Stores the file part as a new `queued` import (`storeUpload`: one transaction with its chunks
 * and job). The other form fields (`mapping`, `review`) are read once the whole body is parsed,
 * so they may come before or after the file.
 */
async function storeImport(
  file: NodeJS.ReadableStream,
  info: FileInfo,
  deps: UploadDeps,
  clientGone: () => boolean,
  formFields: Promise<ReadonlyMap<string, string>>,
): Promise<string> {
  const filename = cleanFilename(info.filename);
  if (!hasCsvNameOrType(filename, info.mimeType)) {
    throw new AppError(
      'BAD_REQUEST',
      unreadSpreadsheetReason(filename) ??
        `"${filename}" (${info.mimeType}) is not a CSV file; upload a .csv, .tsv or .txt file saved as CSV UTF-8 or an Excel workbook (.xlsx), optionally gzipped (.gz) or zipped (.zip)`,
    );
  }
  return storeUpload(deps.sql, {
    filename,
    file,
    maxBytes: deps.maxUploadBytes,
    options: async () => uploadOptions(await formFields),
    // Refused while it arrives rather than failed by the worker later.
    screen: (head) => (head.length === 0 ? 'The file is empty' : describeNonCsv(head)),
    beforeCommit: () => {
      if (clientGone())
        throw new UploadAborted('the client went away before the upload was stored');
    },
  });
}

/** Parses the multipart body and stores its `file` part; resolves with the new import's id. */
function receiveImport(req: IncomingMessage, deps: UploadDeps): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > deps.maxUploadBytes + MULTIPART_OVERHEAD_BYTES) {
    return Promise.reject(fileTooLarge(deps.maxUploadBytes));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // File names are sent as raw UTF-8 by browsers; busboy's default would read them as latin1.
      defParamCharset: 'utf8',
      limits: { files: 1, fields: 20, parts: 40, fieldSize: 64 * 1024 },
    });
  } catch {
    return Promise.reject(new AppError('BAD_REQUEST', NO_FILE));
  }
  // A client that closed its side (or the connection) is gone, even if its whole body arrived.
  const clientGone = () => req.socket.destroyed || req.socket.readableEnded;
  let idleTimer: NodeJS.Timeout | undefined;
  let onIdle = () => {};
  const restartIdleTimer = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => onIdle(), deps.idleTimeoutMs);
  };
  const fields = new Map<string, string>();
  // Settles when the parser is done with the body (also when it is destroyed).
  const formFields = new Promise<ReadonlyMap<string, string>>((resolve) =>
    parser.once('close', () => resolve(fields)),
  );
  return new Promise<string>((resolve, reject) => {
    let sawFile = false;
    parser.on('field', (name, value) => fields.set(name, value));
    onIdle = () => {
      // Paused by backpressure (the database is slower than the client): not the client's fault.
      if (req.isPaused()) return restartIdleTimer();
      const seconds = Math.round(deps.idleTimeoutMs / 1000);
      const error = new AppError(
        'TIMEOUT',
        `Nothing arrived for ${seconds} s, so the upload was aborted; nothing was stored`,
      );
      // Destroying the parser fails the file stream, which rolls the transaction back.
      parser.destroy(error);
      reject(error);
    };
    restartIdleTimer();
    req.on('data', restartIdleTimer);
    req.once('end', () => clearTimeout(idleTimer));
    parser.on('file', (field, file, info) => {
      // The store pipeline reports this stream's errors; a file refused before it started (or
      // an extra one) still gets destroyed by the parser, which must not crash the process.
      file.on('error', () => {});
      if (field !== 'file' || sawFile) {
        file.resume();
        return;
      }
      sawFile = true;
      storeImport(file, info, deps, clientGone, formFields).then(resolve, reject);
    });
    parser.on('close', () => {
      if (!sawFile) reject(new AppError('BAD_REQUEST', NO_FILE));
    });
    parser.on('error', (error: Error) => {
      reject(new AppError('BAD_REQUEST', `The multipart body is malformed: ${error.message}`));
    });
    req.on('close', () => {
      if (req.complete) return;
      // Destroying the parser fails the file stream, which rolls the transaction back.
      const aborted = new UploadAborted('the client aborted the upload');
      parser.destroy(aborted);
      reject(aborted);
    });
    req.pipe(parser);
  }).finally(() => {
    clearTimeout(idleTimer);
    req.off('data', restartIdleTimer);
    req.unpipe(parser);
    parser.destroy();
  });
}

/**
 * Reads and drops what is left of a refused request, so the client gets to read the answer
 * instead of a connection reset; a client that keeps sending is cut off after DISCARD_BODY_MS.
 */
export function discardRemainingBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_BODY_MS).unref();
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** `POST /api/imports`: stores a CSV upload and queues its import; answers 202 `{ importId }`. */
export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  deps: UploadDeps,
): Promise<void> {
  // The server names every request (app.ts), so the header holds exactly one id.
  const requestId = String(req.headers['x-request-id']);
  const logger = deps.logger.child({ requestId });
  try {
    const importId = await receiveImport(req, deps);
    logger.info({ importId }, 'import uploaded and queued');
    sendJson(res, 202, { importId });
  } catch (error) {
    if (error instanceof UploadAborted) {
      logger.info('upload aborted by the client; nothing stored');
      return;
    }
    if (error instanceof AppError) {
      logger.info({ code: error.code, reason: error.message }, 'upload refused');
    } else {
      logger.error({ err: error }, 'upload failed; nothing stored');
    }
    sendError(res, error, requestId);
  } finally {
    discardRemainingBody(req);
  }
}
