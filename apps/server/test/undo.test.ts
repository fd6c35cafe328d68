import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppRouter } from '@acme/api';
import { createApiClient, type ApiClient } from '@acme/api/client';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import { startTestReceiver, type TestReceiver } from '@acme/jobs/webhooks/test-receiver';
import { loadConfig, requireExternalServices } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import type { TImport } from '@acme/shared';
import { startWorker, type RunningWorker } from '@acme/worker/worker';
import { startServer, type RunningServer } from '../src/app.ts';
import { upload, waitFor } from './helpers.ts';

// Undo on the real processes (server and worker in this process, PostgreSQL, Redis): imports.revert
// and products.delete / deleteAll / restore, their refusals, atomicity and webhook events.

const logger = createLogger({ level: 'silent', name: 'test' });
let database: TestDatabase;
let server: RunningServer;
let worker: RunningWorker;
let receiver: TestReceiver;
let api: ApiClient;
let closeApi: () => void;

beforeAll(async () => {
  database = await createTestDatabase();
  const config = requireExternalServices(
    loadConfig({
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      DATABASE_URL: database.url,
      REDIS_PREFIX: uniqueRedisPrefix(),
      PORT: '0',
      HOST: '127.0.0.1',
      WEBHOOK_ALLOW_PRIVATE: 'true',
    }),
    'test',
  );
  server = await startServer(config, logger);
  worker = await startWorker(config, logger);
  receiver = await startTestReceiver();
  ({ client: api, close: closeApi } = createApiClient({ baseUrl: server.url }));
  await api.webhooks.create.mutate({
    url: receiver.url,
    events: ['import.reverted', 'products.restored'],
  });
});

afterAll(async () => {
  closeApi?.();
  await worker?.stop();
  await server?.close();
  await receiver?.close();
  await database?.drop();
});

beforeEach(async () => {
  await database.sql`truncate products`;
});

const sql = () => database.sql;

/** The tRPC code and message a call failed with. */
async function failure(call: Promise<unknown>) {
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

/** Uploads a CSV and waits for the worker to finish it. */
async function importCsv(csv: string): Promise<TImport> {
  const { status, body } = await upload(server.url, csv);
  expect(status).toBe(202);
  const id = body.importId!;
  return waitFor(async () => {
    const state = await api.imports.byId.query({ id });
    return ['completed', 'failed', 'cancelled'].includes(state.status) ? state : undefined;
  }, 20_000);
}

async function catalogue() {
  const rows = await sql()<{ sku: string; name: string; description: string }[]>`
    select sku, name, description from products order by lower(sku)`;
  return [...rows];
}

/** The events of a type recorded in PostgreSQL (each becomes one delivery per webhook). */
async function eventsOf(type: string) {
  const rows = await sql()<{ data: Record<string, unknown> }[]>`
    select data from events where type = ${type} order by created_at`;
  return rows.map((row) => row.data);
}

/** Bodies of the webhook requests of one type received so far. */
function received(type: string) {
  return receiver.received
    .map((request) => JSON.parse(request.body) as { type: string; data: Record<string, unknown> })
    .filter((body) => body.type === type);
}

describe('imports.revert', () => {
  it('restores updated products, deletes created ones, keeps those changed since (a later API edit)', async () => {
    await api.products.create.mutate({ sku: 'A-1', name: 'Alpha', description: 'first' });
    await api.products.create.mutate({ sku: 'B-2', name: 'Beta', description: 'first' });
    const done = await importCsv(
      'sku,name,description\na-1,Alpha v2,second\nB-2,Beta v2,second\nC-3,Gamma,new\nD-4,Delta,new\n',
    );
    expect(done).toMatchObject({ status: 'completed', created: 2, updated: 2, revertedAt: null });
    expect(done.revertibleUntil!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    // changed after the import: one product it updated, one it created
    const byName = async (sku: string) =>
      (await api.products.list.query({ sku })).items.find((item) => item.sku === sku)!;
    await api.products.update.mutate({ id: (await byName('B-2')).id, name: 'Beta (edited)' });
    await api.products.update.mutate({ id: (await byName('D-4')).id, description: 'edited' });

    const preview = await api.imports.revertPreview.query({ id: done.id });
    expect(preview).toEqual({ restored: 1, deleted: 1, kept: 2 });
    expect((await catalogue()).map((p) => p.sku)).toEqual(['a-1', 'B-2', 'C-3', 'D-4']);

    expect(await api.imports.revert.mutate({ id: done.id })).toEqual(preview);
    expect(await catalogue()).toEqual([
      { sku: 'A-1', name: 'Alpha', description: 'first' },
      { sku: 'B-2', name: 'Beta (edited)', description: 'second' },
      { sku: 'D-4', name: 'Delta', description: 'edited' },
    ]);
    const list = await api.products.list.query({});
    expect(list.total).toBe(3);
    expect((await api.imports.byId.query({ id: done.id })).revertedAt).toBeInstanceOf(Date);

    // one event, with the counts, delivered once to the webhook
    expect(await eventsOf('import.reverted')).toEqual([
      { id: done.id, filename: 'products.csv', restored: 1, deleted: 1, kept: 2 },
    ]);
    await receiver.waitFor(1);
    await waitFor(() => (received('import.reverted').length > 0 ? true : undefined), 10_000);
    expect(received('import.reverted')).toEqual([
      expect.objectContaining({ data: { id: done.id, filename: 'products.csv', ...preview } }),
    ]);

    expect(await failure(api.imports.revert.mutate({ id: done.id }))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already reverted'),
    });
    expect(await failure(api.imports.revertPreview.query({ id: done.id }))).toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('reverting an import into an empty catalogue empties it; imports revert newest first', async () => {
    const first = await importCsv('sku,name\nS-1,One\nS-2,Two\nS-3,Three\n');
    const second = await importCsv('sku,name\nS-1,One v2\nS-4,Four\n');
    expect(second).toMatchObject({ created: 1, updated: 1 });

    expect(await api.imports.revert.mutate({ id: second.id })).toEqual({
      restored: 1,
      deleted: 1,
      kept: 0,
    });
    expect((await catalogue()).map((p) => `${p.sku} ${p.name}`)).toEqual([
      'S-1 One',
      'S-2 Two',
      'S-3 Three',
    ]);
    // S-1 is back as the first import wrote it, so the first import can be reverted in full
    expect(await api.imports.revert.mutate({ id: first.id })).toEqual({
      restored: 0,
      deleted: 3,
      kept: 0,
    });
    expect(await catalogue()).toEqual([]);
    expect((await api.products.list.query({})).total).toBe(0);
  });

  it('is all or nothing: a failure in the middle of the revert leaves the catalogue as it was', async () => {
    await api.products.create.mutate({ sku: 'A-1', name: 'Alpha' });
    const done = await importCsv('sku,name\nA-1,Alpha v2\nX-1,Created\nBOOM,Created too\n');
    expect(done).toMatchObject({ created: 2, updated: 1 });
    const before = await catalogue();
    // The restore of A-1 runs first; then deleting BOOM fails, inside the same transaction.
    await sql().unsafe(`
      create function fail_on_boom() returns trigger language plpgsql as $$
      begin raise exception 'injected failure'; end $$;
      create trigger fail_on_boom after delete on products for each row
        when (old.sku = 'BOOM') execute function fail_on_boom();`);
    try {
      expect(await failure(api.imports.revert.mutate({ id: done.id }))).toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
      });
      expect(await catalogue()).toEqual(before);
      expect((await api.imports.byId.query({ id: done.id })).revertedAt).toBeNull();
      expect(
        (await eventsOf('import.reverted')).filter((event) => event['id'] === done.id),
      ).toEqual([]);
    } finally {
      await sql().unsafe('drop trigger fail_on_boom on products; drop function fail_on_boom();');
    }
    expect(await api.imports.revert.mutate({ id: done.id })).toEqual({
      restored: 1,
      deleted: 2,
      kept: 0,
    });
    expect(await catalogue()).toEqual([{ sku: 'A-1', name: 'Alpha', description: '' }]);
  });

  it('is refused, saying why: not completed, window over, undo off, another import running, unknown', async () => {
    const done = await importCsv('sku,name\nR-1,One\n');
    const seed = async (status: string) => {
      const [row] = await sql()<{ id: string }[]>`
        insert into imports (filename, status) values ('seeded.csv', ${status}::import_status)
        returning id`;
      return row!.id;
    };

    const failed = await seed('failed');
    expect(await failure(api.imports.revert.mutate({ id: failed }))).toEqual({
      code: 'CONFLICT',
      message: `Import ${failed} (seeded.csv) is failed; only a completed import can be reverted`,
    });

    const running = await seed('importing');
    expect(await failure(api.imports.revert.mutate({ id: done.id }))).toEqual({
      code: 'CONFLICT',
      message: 'Another import (seeded.csv) is importing; revert once it has finished',
    });
    await sql()`update imports set status = 'completed' where id = ${running}`;
    // `running` is now completed, but without a journal (as if undo had been off)
    expect(await failure(api.imports.revert.mutate({ id: running }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('while undo was off'),
    });

    await sql()`update imports set revertible_until = now() - interval '1 minute'
      where id = ${done.id}`;
    expect(await failure(api.imports.revertPreview.query({ id: done.id }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('can no longer be reverted: its undo window ended'),
    });
    expect(await failure(api.imports.revert.mutate({ id: done.id }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect((await catalogue()).map((p) => p.sku)).toEqual(['R-1']);

    const missing = '00000000-0000-4000-8000-000000000000';
    expect(await failure(api.imports.revert.mutate({ id: missing }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
