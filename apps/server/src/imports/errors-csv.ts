import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create as contentDisposition } from 'content-disposition';
import { stringify } from 'csv-stringify';
import type { Sql } from '@acme/db';
import type { Logger } from '@acme/runtime/logger';
import { AppError, ZImportId } from '@acme/shared';

/** Rows fetched from Postgres per round trip while streaming. */
const CURSOR_ROWS = 1_000;

/** `products.csv` → `products-errors.csv`. */
function errorsFilename(filename: string): string {
  return `${filename.replace(/\.(csv|txt)$/i, '') || 'import'}-errors.csv`;
}

/**
 * `GET /api/imports/:id/errors.csv`: every row the import skipped as `line,sku,message`, in file
 * order, streamed from a cursor so memory stays flat however many rows failed. With a UTF-8 BOM,
 * so Excel reads it as UTF-8, and cells that Excel would run as formulas are escaped.
 */
export async function handleErrorsCsv(
  res: ServerResponse,
  id: string,
  deps: { sql: Sql; logger: Logger },
): Promise<void> {
  if (!ZImportId.safeParse(id).success) throw new AppError('NOT_FOUND', `There is no import ${id}`);
  const [found] = await deps.sql<{ filename: string }[]>`
    select filename from imports where id = ${id}`;
  if (!found) throw new AppError('NOT_FOUND', `There is no import ${id}`);
  const rows = async function* () {
    const cursor = deps.sql<{ line: number; sku: string | null; message: string }[]>`
      select line, sku, message from import_errors where import_id = ${id} order by line, id`;
    for await (const batch of cursor.cursor(CURSOR_ROWS)) yield* batch;
  };
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': contentDisposition(errorsFilename(found.filename)),
    'cache-control': 'no-store',
  });
  try {
    await pipeline(
      Readable.from(rows()),
      stringify({
        header: true,
        columns: ['line', 'sku', 'message'],
        bom: true,
        escape_formulas: true,
      }),
      res,
    );
  } catch (error) {
    // A client that leaves mid-download is normal; anything else is worth a log line.
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      deps.logger.error({ err: error, importId: id }, 'errors.csv stream failed');
    }
    res.destroy();
  }
}
