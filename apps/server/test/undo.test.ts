import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '@acme/db/testing';
import { FINAL_IMPORT_STATUSES, type TImport } from '@acme/shared';
import {
  eventually,
  startTestReceiver,
  startTestServer,
  startTestWorker,
  type TestReceiver,
  type TestServer,
  type TestWorker,
} from '@acme/testing';
import { upload, failure } from './helpers.ts';

// Undo on the real processes (server and worker in this process, PostgreSQL, Redis): imports.revert
// and products.delete / deleteAll / restore, their refusals, atomicity and webhook events.

let t: TestServer;
let database: TestDatabase;
let worker: TestWorker;
let receiver: TestReceiver;
let api: TestServer['api'];

beforeAll(async () => {
  t = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  ({ database, api } = t);
  // The worker shares the server's Redis prefix, as in a deployment.
  worker = await startTestWorker(database, {
    WEBHOOK_ALLOW_PRIVATE: 'true',
    REDIS_PREFIX: t.config.REDIS_PREFIX,
  });
  receiver = await startTestReceiver();
  await api.webhooks.create.mutate({
    url: receiver.url,
    events: ['import.reverted', 'products.restored'],
  });
});

afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await receiver?.close();
});

beforeEach(async () => {
  await database.sql`truncate products`;
});

const sql = () => database.sql;

/** Uploads a CSV and waits for the worker to finish it. */
async function importCsv(csv: string): Promise<TImport> {
  const { status, body } = await upload(t.url, csv);
  expect(status).toBe(202);
  const id = body.importId!;
  return eventually(async () => {
    const state = await api.imports.byId.query({ id });
    return FINAL_IMPORT_STATUSES.includes(state.status) ? state : undefined;
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
    await eventually(() => (received('import.reverted').length > 0 ? true : undefined), 10_000);
    expect(received('import.reverted')).toEqual([
      expect.objectContaining({
        data: { id: done.id, filename: 'products.csv', ...preview },
      }) as unknown,
    ]);

    expect(await failure(api.imports.revert.mutate({ id: done.id }))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already reverted') as string,
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
      message: expect.stringContaining('while undo was off') as string,
    });

    await sql()`update imports set revertible_until = now() - interval '1 minute'
      where id = ${done.id}`;
    expect(await failure(api.imports.revertPreview.query({ id: done.id }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining(
        'can no longer be reverted: its undo window ended',
      ) as string,
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

describe('products.delete / deleteAll / restore', () => {
  it('restores one deleted product as it was (same id and timestamps), once, with one event', async () => {
    const product = await api.products.create.mutate({ sku: 'ONE-1', name: 'One', active: false });
    const deleted = await api.products.delete.mutate({ id: product.id });
    expect(deleted).toMatchObject({
      id: product.id,
      sku: 'ONE-1',
      restoreId: expect.any(String) as string,
    });
    expect(await catalogue()).toEqual([]);

    const restored = await api.products.restore.mutate({ restoreId: deleted.restoreId! });
    expect(restored).toEqual({ restored: 1, skipped: 0 });
    expect(await api.products.byId.query({ id: product.id })).toEqual(product);
    expect((await api.products.list.query({ active: false })).total).toBe(1);

    expect(await eventsOf('products.restored')).toEqual([
      { restoreId: deleted.restoreId, restored: 1, skipped: 0 },
    ]);
    await eventually(() => (received('products.restored').length > 0 ? true : undefined), 10_000);
    expect(received('products.restored')).toEqual([
      expect.objectContaining({
        data: { restoreId: deleted.restoreId, restored: 1, skipped: 0 },
      }) as unknown,
    ]);
    expect(
      await failure(api.products.restore.mutate({ restoreId: deleted.restoreId! })),
    ).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already restored') as string,
    });
  });

  it('restores a delete-all, skipping (and counting) SKUs taken meanwhile', async () => {
    for (const sku of ['ALL-1', 'ALL-2', 'ALL-3'])
      await api.products.create.mutate({ sku, name: `old ${sku}` });
    const { deleted, restoreId } = await api.products.deleteAll.mutate({ confirm: true });
    expect(deleted).toBe(3);
    await api.products.create.mutate({ sku: 'all-2', name: 'new' });

    expect(await api.products.restore.mutate({ restoreId: restoreId! })).toEqual({
      restored: 2,
      skipped: 1,
    });
    expect((await catalogue()).map((p) => `${p.sku} ${p.name}`)).toEqual([
      'ALL-1 old ALL-1',
      'all-2 new',
      'ALL-3 old ALL-3',
    ]);
    expect((await api.products.list.query({})).total).toBe(3);
  });

  it('a restore is all or nothing, and an import reverted after a delete-all and restore still reverts', async () => {
    const done = await importCsv('sku,name\nI-1,One\nBOOM,Two\n');
    const { restoreId } = await api.products.deleteAll.mutate({ confirm: true });
    await sql().unsafe(`
      create function fail_on_boom() returns trigger language plpgsql as $$
      begin raise exception 'injected failure'; end $$;
      create trigger fail_on_boom after insert on products for each row
        when (new.sku = 'BOOM') execute function fail_on_boom();`);
    try {
      expect(await failure(api.products.restore.mutate({ restoreId: restoreId! }))).toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
      });
      expect(await catalogue()).toEqual([]);
    } finally {
      await sql().unsafe('drop trigger fail_on_boom on products; drop function fail_on_boom();');
    }
    expect(await api.products.restore.mutate({ restoreId: restoreId! })).toEqual({
      restored: 2,
      skipped: 0,
    });
    // the restored products are the ones the import created, untouched since: it deletes them
    expect(await api.imports.revert.mutate({ id: done.id })).toEqual({
      restored: 0,
      deleted: 2,
      kept: 0,
    });
    expect(await catalogue()).toEqual([]);
  });

  it('refuses a restore after the window, and an unknown restoreId', async () => {
    const product = await api.products.create.mutate({ sku: 'LATE-1', name: 'Late' });
    const { restoreId } = await api.products.delete.mutate({ id: product.id });
    await sql()`update product_deletions set restorable_until = now() - interval '1 second'
      where id = ${restoreId}`;
    expect(await failure(api.products.restore.mutate({ restoreId: restoreId! }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('can no longer be restored') as string,
    });
    expect(
      await failure(
        api.products.restore.mutate({ restoreId: '00000000-0000-4000-8000-000000000000' }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await catalogue()).toEqual([]);
  });
});
