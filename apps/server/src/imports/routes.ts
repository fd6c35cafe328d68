import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDatabase, type Sql } from '@acme/db';
import type { Logger } from '@acme/runtime/logger';
import { sendError } from '../http-utils.ts';
import { handleErrorsCsv } from './errors-csv.ts';
import { discardRemainingBody, handleUpload } from './upload-import.ts';
import { AppError } from '@acme/shared';

/** What a refused upload is told to wait before it tries again. */
const RETRY_AFTER_SECONDS = 5;

const ERRORS_CSV_PATH = /^\/api\/imports\/([^/]+)\/errors\.csv$/;

export interface ImportRoutes {
  /** Answers the request if it is one of these routes; false otherwise. */
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  close: () => Promise<void>;
}

/** The plain HTTP routes beside tRPC: the upload and the errors download. */
export function createImportRoutes(options: {
  databaseUrl: string;
  sql: Sql;
  logger: Logger;
  maxUploadBytes: number;
  /** Uploads at once (each holds a connection of its own pool while the file arrives). */
  maxConcurrent: number;
  /** Uploads at once from one client address, so a few slow clients cannot hold every slot. */
  maxPerClient: number;
  idleTimeoutMs: number;
}): ImportRoutes {
  // Uploads get their own pool, one connection per slot: they must never starve the API's
  // queries, and an admitted upload never waits for a connection.
  const uploads = createDatabase(options.databaseUrl, { max: options.maxConcurrent });
  const uploadDeps = {
    sql: uploads.sql,
    logger: options.logger,
    maxUploadBytes: options.maxUploadBytes,
    idleTimeoutMs: options.idleTimeoutMs,
  };
  const running = new Map<string, number>();
  let total = 0;

  /** Takes an upload slot for the request's address, or answers 429/503 and returns undefined. */
  const admit = (req: IncomingMessage, res: ServerResponse): (() => void) | undefined => {
    const address = req.socket.remoteAddress ?? 'unknown';
    const mine = running.get(address) ?? 0;
    const refusal =
      mine >= options.maxPerClient
        ? new AppError(
            'TOO_MANY_REQUESTS',
            `At most ${options.maxPerClient} uploads at a time from one address; try again when one has finished`,
          )
        : total >= options.maxConcurrent
          ? new AppError(
              'SERVICE_UNAVAILABLE',
              'The server is storing as many uploads as it can; try again in a few seconds',
            )
          : undefined;
    if (refusal) {
      options.logger.info({ address, running: mine, total }, 'upload refused: too many at once');
      res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
      sendError(res, refusal);
      discardRemainingBody(req);
      return undefined;
    }
    running.set(address, mine + 1);
    total++;
    return () => {
      total--;
      const left = (running.get(address) ?? 1) - 1;
      if (left === 0) running.delete(address);
      else running.set(address, left);
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === '/api/imports') {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        throw new AppError('METHOD_NOT_SUPPORTED', 'Upload a file with POST /api/imports');
      }
      const release = admit(req, res);
      if (!release) return true;
      try {
        await handleUpload(req, res, uploadDeps);
      } finally {
        release();
      }
      return true;
    }
    const errorsCsv = ERRORS_CSV_PATH.exec(path);
    if (errorsCsv?.[1] !== undefined) {
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        throw new AppError('METHOD_NOT_SUPPORTED', 'Download the errors with GET');
      }
      await handleErrorsCsv(res, errorsCsv[1], { sql: options.sql, logger: options.logger });
      return true;
    }
    return false;
  };

  return { handle, close: () => uploads.close() };
}
