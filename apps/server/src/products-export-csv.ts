import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create as contentDisposition } from 'content-disposition';
import { stringify } from 'csv-stringify';
import { filterWhere } from '@acme/api/products/filter';
import type { Sql } from '@acme/db';
import type { Logger } from '@acme/runtime/logger';
import { AppError, ZProductFilter } from '@acme/shared';

/** Rows fetched from Postgres per round trip while streaming. */
const CURSOR_ROWS = 1_000;

export const PRODUCTS_CSV_PATH = '/api/products.csv';

/** The columns, in the import's own header names first, so the file can be imported again. */
const COLUMNS = ['sku', 'name', 'description', 'active', 'created_at', 'updated_at'] as const;

/** `?active=true|false` as the boolean the filter takes; anything else is kept to be refused. */
function activeParam(value: string | null): boolean | string | undefined {
  if (value === null || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/**
 * `GET /api/products.csv?sku=&name=&description=&active=`: every product the filter matches (as
 * products.list matches: case-insensitive substrings), by id, streamed from a cursor so memory
 * stays flat however many there are. With a UTF-8 BOM for Excel, and cells that Excel would run
 * as formulas escaped. Behind the same access control as every /api route.
 */
export async function handleProductsCsv(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { sql: Sql; logger: Logger },
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    throw new AppError('METHOD_NOT_SUPPORTED', 'Use GET to download the products');
  }
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const parsed = ZProductFilter.safeParse({
    sku: query.get('sku') ?? undefined,
    name: query.get('name') ?? undefined,
    description: query.get('description') ?? undefined,
    active: activeParam(query.get('active')),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? 'query';
    throw new AppError(
      'BAD_REQUEST',
      field === 'active'
        ? 'active must be true or false'
        : (issue?.message ?? 'The filter is not valid'),
    );
  }
  const { where, values } = filterWhere(parsed.data);
  const rows = async function* () {
    const cursor = deps.sql.unsafe<
      {
        sku: string;
        name: string;
        description: string;
        active: boolean;
        created_at: string;
        updated_at: string;
      }[]
    >(
      `select sku, name, description, active,
              to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
              to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at
       from products ${where} order by id`,
      values,
    );
    for await (const batch of cursor.cursor(CURSOR_ROWS)) yield* batch;
  };
  const day = new Date().toISOString().slice(0, 10);
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': contentDisposition(`products-${day}.csv`),
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(
      Readable.from(rows()),
      stringify({
        header: true,
        columns: [...COLUMNS],
        bom: true,
        escape_formulas: true,
        cast: { boolean: (value) => (value ? 'true' : 'false') },
      }),
      res,
    );
  } catch (error) {
    // A client that leaves mid-download is normal; anything else is worth a log line.
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      deps.logger.error({ err: error }, 'products.csv stream failed');
    }
    res.destroy();
  }
}
