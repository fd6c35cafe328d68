import { vi } from 'vitest';
import { Readable } from 'node:stream';
import { eq, imports, type Database, type Db, type Sql } from '@acme/db';
import { storeUpload } from '@acme/jobs/import-upload';
import { FINAL_IMPORT_STATUSES, ZImport, type TImport } from '@acme/shared';

/** Waits, polling the import row with a deadline, until it reaches a final status. */
export function waitForFinal(
  { db }: Pick<Database, 'db'>,
  id: string,
  timeoutMs = 20_000,
): Promise<TImport> {
  return vi.waitFor(
    async () => {
      const state = await readImport(db, id);
      if (!FINAL_IMPORT_STATUSES.includes(state.status))
        throw new Error(`import ${id} still ${state.status} after ${timeoutMs} ms`);
      return state;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/** Stores a file as the upload does (`storeFile`) and waits until its import is final. */
export async function importFile(
  database: Pick<Database, 'sql' | 'db'>,
  filename: string,
  content: Buffer | string,
): Promise<TImport> {
  return waitForFinal(database, await storeFile(database.sql, filename, Buffer.from(content)));
}

export async function readImport(db: Db, id: string): Promise<TImport> {
  const [row] = await db.select().from(imports).where(eq(imports.id, id));
  return ZImport.parse(row);
}

export async function productsBySku(sql: Sql) {
  return sql<{ sku: string; name: string; description: string; active: boolean }[]>`
    select sku, name, description, active from products order by lower(sku)`.then((rows) => [
    ...rows,
  ]);
}

export async function errorsOf(sql: Sql, id: string) {
  return sql<{ line: number; sku: string | null; message: string }[]>`
    select line, sku, message from import_errors where import_id = ${id} order by line`.then(
    (rows) => [...rows],
  );
}

/**
 * Stores a file as the upload route does (`storeUpload`: chunks, the `queued` row and the job in
 * one transaction), without its refusal of what is no CSV: the worker then judges the file.
 */
export function storeFile(
  sql: Sql,
  filename: string,
  file: Buffer | Iterable<Buffer> | AsyncIterable<Buffer> | NodeJS.ReadableStream,
  { review = false }: { review?: boolean } = {},
): Promise<string> {
  return storeUpload(sql, {
    filename,
    file: Buffer.isBuffer(file)
      ? Readable.from([file])
      : isStream(file)
        ? file
        : Readable.from(file),
    maxBytes: Number.MAX_SAFE_INTEGER,
    options: () => ({ mapping: null, review }),
  });
}

const isStream = (value: object): value is NodeJS.ReadableStream => 'pipe' in value;

/** How many products the catalogue holds. */
export async function productCount(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from products`;
  return row!.n;
}
