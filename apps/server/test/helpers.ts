import { request } from 'node:http';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@acme/api';
import { eq, importFileChunks, imports, sql } from '@acme/db';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { importChannel, ZImport, type TImport, type TImportStatus } from '@acme/shared';
import { startTestServer, startTestWorker, type TestServer, type TestWorker } from '@acme/testing';

type ImportValues = typeof imports.$inferInsert;

/** An import as the upload leaves it (or in any later state), optionally with a stored file. */
export async function seedImport(
  t: TestServer,
  values: Partial<ImportValues> = {},
  file?: string,
): Promise<TImport> {
  const [row] = await t.db
    .insert(imports)
    .values({ filename: 'products.csv', bytesTotal: file?.length ?? 0, ...values })
    .returning();
  if (!row) throw new Error('no row');
  if (file !== undefined) {
    await t.db
      .insert(importFileChunks)
      .values({ importId: row.id, seq: 0, data: Buffer.from(file) });
  }
  return ZImport.parse(row);
}

/** What the worker does after every change: update the row (version + 1), then publish it. */
export async function workerWrites(
  t: TestServer,
  id: string,
  patch: Partial<ImportValues>,
  options: { publish: boolean } = { publish: true },
): Promise<TImport> {
  const [row] = await t.db
    .update(imports)
    .set({ ...patch, version: sql`${imports.version} + 1` })
    .where(eq(imports.id, id))
    .returning();
  if (!row) throw new Error(`no import ${id}`);
  const state = ZImport.parse(row);
  if (options.publish) await t.bus.publish(importChannel(id), state);
  return state;
}

/** What POST /api/imports answers: the new import's id, or the routes' error shape. */
export interface UploadAnswer {
  importId?: string;
  code?: string;
  message?: string;
  requestId?: string;
}

export interface RawUpload {
  /** Writes body bytes, waiting for the socket to take them. */
  write: (data: Buffer | string) => Promise<void>;
  /** Ends the multipart body and returns the answer. */
  finish: () => Promise<{ status: number; body: UploadAnswer }>;
  /** The answer, whenever it comes (even while the body is still being sent). */
  response: Promise<{ status: number; body: UploadAnswer }>;
  abort: () => void;
}

const BOUNDARY = 'acme-test-boundary-7f3a';

/**
 * A hand-made multipart upload over a raw HTTP request, for what fetch cannot do: send the body
 * piece by piece (chunked, no Content-Length), or stop half-way.
 */
export function startRawUpload(
  url: string,
  options: {
    filename?: string;
    type?: string;
    field?: string;
    /** Send from this local address (another 127.x.y.z plays another client). */
    localAddress?: string;
    headers?: Record<string, string>;
  } = {},
): RawUpload {
  const req = request(`${url}/api/imports`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...options.headers },
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  req.on('error', () => {}); // after an early answer or an abort, writes fail; that is expected
  const response = new Promise<{ status: number; body: UploadAnswer }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (piece: string) => (text += piece));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as UploadAnswer }),
      );
      res.on('error', reject);
    });
  });
  const write = (data: Buffer | string) =>
    new Promise<void>((resolve) => {
      if (req.destroyed || req.writableEnded) return resolve();
      // Let the event loop turn, so an early answer is seen while the body is still going out.
      const done = () => {
        req.off('drain', done);
        req.off('close', done);
        setImmediate(resolve);
      };
      if (req.write(data)) return done();
      // After an early answer the client may close the request instead of draining it.
      req.once('drain', done);
      req.once('close', done);
    });
  void write(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${options.field ?? 'file'}"; ` +
      `filename="${options.filename ?? 'products.csv'}"\r\n` +
      `Content-Type: ${options.type ?? 'text/csv'}\r\n\r\n`,
  );
  return {
    write,
    response,
    finish: async () => {
      req.end(`\r\n--${BOUNDARY}--\r\n`);
      return response;
    },
    abort: () => req.destroy(),
  };
}

/** Uploads one file with fetch and FormData, the way a browser does. */
export async function upload(
  url: string,
  content: string | Buffer,
  options: {
    filename?: string;
    type?: string;
    field?: string;
    fields?: Record<string, string>;
  } = {},
) {
  const form = new FormData();
  // Form fields first, as the dashboard sends them (the server takes them in either order).
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  form.append(
    options.field ?? 'file',
    new Blob([content], { type: options.type ?? 'text/csv' }),
    options.filename ?? 'products.csv',
  );
  const res = await fetch(`${url}/api/imports`, { method: 'POST', body: form });
  return {
    status: res.status,
    body: (await res.json()) as UploadAnswer,
  };
}

/** Rows stored for any import, by table. */
export async function storedRows(t: TestServer) {
  const [counts] = await t.sql<{ imports: number; chunks: number; jobs: number }[]>`
    select (select count(*)::int from imports) as imports,
           (select count(*)::int from import_file_chunks) as chunks,
           (select count(*)::int from graphile_worker.jobs) as jobs`;
  return counts;
}

/** The tRPC code and message a call failed with (throws if it succeeded). */
export async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const { data, message } = error as TRPCClientError<AppRouter>;
      return { code: data?.code, message };
    }
    throw error;
  }
  throw new Error('the call succeeded');
}

export interface ServerWithWorker extends TestServer {
  worker: TestWorker;
  /** Stops the worker, then closes the server and drops the database. */
  close: () => Promise<void>;
}

/**
 * The server and a worker in this process on one database and one Redis prefix, as in a
 * deployment: the worker's progress reaches imports.onProgress over the bus. `env` goes to both.
 */
export async function startServerWithWorker(
  env: Record<string, string> = {},
): Promise<ServerWithWorker> {
  const server = await startTestServer(env);
  const worker = await startTestWorker(server.database, {
    ...env,
    REDIS_PREFIX: server.config.REDIS_PREFIX,
  }).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  return {
    ...server,
    worker,
    close: async () => {
      await worker.stop();
      await server.close();
    },
  };
}

/**
 * `startServerWithWorker` for a test file: started before its tests, closed after them. The handle
 * stands for the running pair (each property read goes to it), from beforeAll on.
 */
export function useServerWithWorker(env: Record<string, string> = {}): ServerWithWorker {
  let running: ServerWithWorker | undefined;
  beforeAll(async () => {
    running = await startServerWithWorker(env);
  });
  afterAll(() => running?.close());
  return new Proxy({} as ServerWithWorker, {
    get: (_, key): unknown => {
      if (!running) throw new Error('useServerWithWorker: the server runs once beforeAll ran');
      return Reflect.get(running, key) as unknown;
    },
  });
}

/** Waits (20 s at most) until the import is in one of `statuses` at a version above `newerThan`. */
export function waitForImport(
  t: TestServer,
  id: string,
  statuses: readonly TImportStatus[],
  newerThan = -1,
): Promise<TImport> {
  return vi.waitFor(
    async () => {
      const state = await t.api.imports.byId.query({ id });
      if (!statuses.includes(state.status) || state.version <= newerThan) {
        throw new Error(`import ${id} is ${state.status} at version ${state.version}`);
      }
      return state;
    },
    { timeout: 20_000, interval: 50 },
  );
}

/** Uploads a file asking for review, and waits until it waits in review. */
export async function uploadForReview(
  t: TestServer,
  file: string,
  filename = 'products.csv',
): Promise<TImport> {
  const answer = await upload(t.url, file, { filename, fields: { review: 'true' } });
  expect(answer.status).toBe(202);
  return waitForImport(t, answer.body.importId!, ['review']);
}

/** How many of the import's two staging tables (staged rows, their classification) exist. */
export async function stagingTables(t: TestServer, id: string): Promise<number> {
  const suffix = id.replaceAll('-', '');
  const [row] = await t.sql<{ n: number }[]>`
    select count(*)::int as n from pg_class
    where relname in (${`import_stage_${suffix}`}, ${`import_latest_${suffix}`})`;
  return row?.n ?? 0;
}
