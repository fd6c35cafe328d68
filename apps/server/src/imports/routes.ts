import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDatabase, type Sql } from '@acme/db';
import type { Logger } from '@acme/runtime/logger';
import { sendJson } from '../http-utils.ts';
import { handleErrorsCsv } from './errors-csv.ts';
import { handleUpload } from './upload-import.ts';

/**
 * Uploads get their own small pool: each holds a connection for as long as the file takes to
 * arrive, and must never starve the API's queries. Uploads beyond it wait (the client with them).
 */
const UPLOAD_CONNECTIONS = 4;

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
}): ImportRoutes {
  const uploads = createDatabase(options.databaseUrl, { max: UPLOAD_CONNECTIONS });
  const uploadDeps = {
    sql: uploads.sql,
    logger: options.logger,
    maxUploadBytes: options.maxUploadBytes,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === '/api/imports') {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        sendJson(res, 405, { message: 'Upload a file with POST /api/imports' });
        return true;
      }
      await handleUpload(req, res, uploadDeps);
      return true;
    }
    const errorsCsv = ERRORS_CSV_PATH.exec(path);
    if (errorsCsv?.[1] !== undefined) {
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        sendJson(res, 405, { message: 'Download the errors with GET' });
        return true;
      }
      await handleErrorsCsv(res, errorsCsv[1], { sql: options.sql, logger: options.logger });
      return true;
    }
    return false;
  };

  return { handle, close: () => uploads.close() };
}
