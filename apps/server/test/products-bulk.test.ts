import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureSearchIndexes, SEARCH_INDEXES } from '@acme/db';
import { BULK_IDS_MAX } from '@acme/shared';
import { startTestServer, type TestServer } from '@acme/testing';
import { failure } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  // One webhook for every product event, so each event's deliveries can be counted.
  await t.sql`
    insert into webhooks (url, events, secret)
    values ('https://hooks.example.com/all',
            array['product.updated', 'product.deleted', 'products.updated_many', 'products.deleted_many'],
            'whsec_dGVzdA==')`;
});
afterAll(() => t?.close());

/** 20 products: even ones are "blue", ids 1..20 in order; all active. */
beforeEach(async () => {
  await t.sql`truncate products restart identity`;
  await t.sql`truncate events cascade`;
  await t.sql`
    insert into products (sku, name, active)
    select 'SKU-' || i, case when i % 2 = 0 then 'Blue kettle ' else 'Red lamp ' end || i, true
    from generate_series(1, 20) as i`;
});

const events = () =>
  t.sql<{ type: string; data: Record<string, unknown>; deliveries: number }[]>`
    select e.type, e.data, (select count(*)::int from webhook_deliveries d where d.event_id = e.id) as deliveries
    from events e order by e.created_at, e.id`;
const validSearchIndexes = async () =>
  (
    await t.sql<{ name: string }[]>`
      select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname in ${t.sql(Object.keys(SEARCH_INDEXES))} and i.indisvalid order by 1`
  ).map((row) => row.name);
const ids = async (where: string) =>
  (await t.sql.unsafe<{ id: string }[]>(`select id from products where ${where} order by id`)).map(
    (row) => Number(row.id),
  );

describe('products.updateMany', () => {
  it('sets active on the picked products, one product.updated each, skipping those already so', async () => {
    await t.sql`update products set active = false where id = 3`;
    const result = await t.api.products.updateMany.mutate({
      target: { ids: [1, 2, 3, 999] },
      set: { active: false },
    });
    expect(result).toEqual({ updated: 2 });
    expect(await ids('not active')).toEqual([1, 2, 3]);
    const sent = await events();
    expect(sent.map((event) => [event.type, event.data['id'], event.deliveries])).toEqual(
      expect.arrayContaining([
        ['product.updated', 1, 1],
        ['product.updated', 2, 1],
      ]),
    );
    expect(sent).toHaveLength(2);
    // The payload is the product as the single-product procedures send it.
    const stored = await t.api.products.byId.query({ id: 1 });
    expect(sent.find((event) => event.data['id'] === 1)?.data).toEqual({
      id: 1,
      sku: 'SKU-1',
      name: 'Red lamp 1',
      description: '',
      active: false,
      createdAt: stored.createdAt.toISOString(),
      updatedAt: stored.updatedAt.toISOString(),
    });
  });

  it('sets active on every product a filter matches, with one products.updated_many', async () => {
    const result = await t.api.products.updateMany.mutate({
      target: { filter: { name: 'BLUE', active: true } },
      set: { active: false },
    });
    expect(result).toEqual({ updated: 10 });
    expect(await ids('not active')).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(await events()).toEqual([
      {
        type: 'products.updated_many',
        data: { filter: { name: 'BLUE', active: true }, set: { active: false }, updated: 10 },
        deliveries: 1,
      },
    ]);
    // Nothing left to change: no write, no event.
    expect(
      await t.api.products.updateMany.mutate({
        target: { filter: { name: 'blue' } },
        set: { active: false },
      }),
    ).toEqual({ updated: 0 });
    expect(await events()).toHaveLength(1);
  });

  it('writes a change to most of the catalogue without the list indexes, and has them rebuilt', async () => {
    await t.sql`
      insert into products (sku, name, active)
      select 'BULK-' || i, 'Bulk kettle ' || i, true from generate_series(1, 12000) as i`;
    const result = await t.api.products.updateMany.mutate({
      target: { filter: { name: 'bulk' } },
      set: { active: false },
    });
    expect(result).toEqual({ updated: 12000 });
    expect(await t.sql`select 1 from products where sku like 'BULK-%' and active`).toHaveLength(0);
    // Dropped for the write (no worker runs here to rebuild them), with the rebuild queued.
    expect(await validSearchIndexes()).toEqual([]);
    expect(
      await t.sql`select 1 from graphile_worker.jobs where task_identifier = 'catalogue:maintain'`,
    ).toHaveLength(1);
    expect((await events()).map((event) => [event.type, event.data['updated']])).toEqual([
      ['products.updated_many', 12000],
    ]);
    await ensureSearchIndexes(t.sql);
    expect(await validSearchIndexes()).toEqual(Object.keys(SEARCH_INDEXES).sort());
  });

  it('keeps the list indexes for a change to a small share of the catalogue', async () => {
    await t.sql`
      insert into products (sku, name, active)
      select 'BULK-' || i, 'Bulk kettle ' || i, true from generate_series(1, 12000) as i`;
    const result = await t.api.products.updateMany.mutate({
      target: { filter: { name: 'kettle 1' } },
      set: { active: false },
    });
    expect(result.updated).toBeGreaterThan(1000);
    expect(await validSearchIndexes()).toEqual(Object.keys(SEARCH_INDEXES).sort());
  });

  it('treats filter text literally (% and _ are not wildcards)', async () => {
    const result = await t.api.products.updateMany.mutate({
      target: { filter: { sku: '%' } },
      set: { active: false },
    });
    expect(result).toEqual({ updated: 0 });
    expect(await ids('not active')).toEqual([]);
  });

  it('refuses a target without ids, too many ids, or an unknown shape, changing nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ target: { ids: [] }, set: { active: false } }, /at least one product/],
      [
        {
          target: { ids: Array.from({ length: BULK_IDS_MAX + 1 }, (_, i) => i + 1) },
          set: { active: false },
        },
        new RegExp(`at most ${BULK_IDS_MAX} items`),
      ],
      [{ target: { everything: true }, set: { active: false } }, /target must be/],
      [{ target: { ids: [1], filter: {} }, set: { active: false } }, /target must be/],
      [{ target: { ids: [1] }, set: { name: 'x' } }, /active/],
    ];
    for (const [input, message] of cases) {
      // @ts-expect-error deliberately invalid input
      const refused = await failure(t.api.products.updateMany.mutate(input));
      expect(refused.code).toBe('BAD_REQUEST');
      expect(refused.message).toMatch(message);
    }
    expect(await ids('not active')).toEqual([]);
    expect(await events()).toEqual([]);
  });
});

describe('products.deleteMany', () => {
  it('deletes the picked products, one product.deleted each with the product as it was', async () => {
    const result = await t.api.products.deleteMany.mutate({
      target: { ids: [5, 6] },
      confirm: true,
    });
    expect(result).toEqual({ deleted: 2, restoreId: expect.any(String) as string });
    expect(await ids('id in (5, 6)')).toEqual([]);
    expect((await ids('true')).length).toBe(18);
    const sent = await events();
    expect(
      sent
        .map((event) => [event.type, event.data['sku'], event.data['restoreId'], event.deliveries])
        .sort(),
    ).toEqual([
      ['product.deleted', 'SKU-5', result.restoreId, 1],
      ['product.deleted', 'SKU-6', result.restoreId, 1],
    ]);
    expect((await t.api.products.list.query({})).total).toBe(18);
  });

  it('deletes every product a filter matches, and only those, with one products.deleted_many', async () => {
    await t.sql`update products set active = false where id in (2, 3)`;
    const result = await t.api.products.deleteMany.mutate({
      target: { filter: { name: 'blue', active: true } },
      confirm: true,
    });
    expect(result).toEqual({ deleted: 9, restoreId: expect.any(String) as string });
    expect(await ids('true')).toEqual([1, 2, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(await events()).toEqual([
      {
        type: 'products.deleted_many',
        data: { filter: { name: 'blue', active: true }, deleted: 9, restoreId: result.restoreId },
        deliveries: 1,
      },
    ]);
  });

  it('is undone by products.restore: the picked products come back as they were, once', async () => {
    const picked = () => t.sql`
      select id, sku, name, active, created_at::text, updated_at::text
      from products where id in (5, 6) order by id`;
    const before = await picked();
    const { restoreId } = await t.api.products.deleteMany.mutate({
      target: { ids: [5, 6] },
      confirm: true,
    });
    expect(await t.api.products.restore.mutate({ restoreId: restoreId! })).toEqual({
      restored: 2,
      skipped: 0,
    });
    // Same ids, names and timestamps (to the microsecond) as before the delete.
    expect([...(await picked())]).toEqual([...before]);
    expect((await t.api.products.list.query({})).total).toBe(20);
    const restored = (await events()).filter((event) => event.type === 'products.restored');
    expect(restored.map((event) => event.data)).toEqual([{ restoreId, restored: 2, skipped: 0 }]);
    const again = await failure(t.api.products.restore.mutate({ restoreId: restoreId! }));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toMatch(/already restored/);
  });

  it('is undone by filter too, skipping (and counting) SKUs taken meanwhile', async () => {
    const { deleted, restoreId } = await t.api.products.deleteMany.mutate({
      target: { filter: { name: 'blue' } },
      confirm: true,
    });
    expect(deleted).toBe(10);
    await t.api.products.create.mutate({ sku: 'sku-4', name: 'Taken meanwhile' });
    expect(await t.api.products.restore.mutate({ restoreId: restoreId! })).toEqual({
      restored: 9,
      skipped: 1,
    });
    expect(await ids(`name like 'Blue kettle %'`)).toEqual([2, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect((await t.api.products.byId.query({ id: 21 })).name).toBe('Taken meanwhile');
    expect((await t.api.products.list.query({})).total).toBe(20);
  });

  it('refuses an empty filter (that is deleteAll) and a missing confirmation', async () => {
    const empty = await failure(
      t.api.products.deleteMany.mutate({ target: { filter: { name: '  ' } }, confirm: true }),
    );
    expect(empty.code).toBe('BAD_REQUEST');
    expect(empty.message).toMatch(/deleteAll/);
    const unconfirmed = await failure(
      // @ts-expect-error deliberately invalid input
      t.api.products.deleteMany.mutate({ target: { ids: [1] } }),
    );
    expect(unconfirmed.message).toMatch(/confirm/);
    expect((await ids('true')).length).toBe(20);
  });
});
