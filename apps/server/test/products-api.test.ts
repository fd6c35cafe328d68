import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { AppRouter, RouterOutputs } from '@acme/api';
import { startTestServer, type TestServer } from '@acme/testing';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app.close());

/** The tRPC error code of a failed call, or 'none' when it succeeded. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'none';
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return String((error as TRPCClientError<AppRouter>).data?.code);
    }
    throw error;
  }
}

async function messageOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error) return error.message;
  }
  return 'no error';
}

describe('products over HTTP with the typed client', () => {
  it('creates a product with trimmed SKU, defaults and Date fields', async () => {
    const product = await app.api.products.create.mutate({
      sku: '  Kettle-1  ',
      name: 'Kettle',
    });
    expectTypeOf(product).toEqualTypeOf<RouterOutputs['products']['create']>();
    expect(product).toMatchObject({
      sku: 'Kettle-1',
      name: 'Kettle',
      description: '',
      active: true,
    });
    expect(product.createdAt).toBeInstanceOf(Date);
    expect(await app.api.products.byId.query({ id: product.id })).toEqual(product);
  });

  it('answers CONFLICT for a taken SKU in any letter case or spacing', async () => {
    await app.api.products.create.mutate({ sku: 'CASE-1', name: 'First' });
    expect(await codeOf(app.api.products.create.mutate({ sku: 'case-1', name: 'Again' }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(app.api.products.create.mutate({ sku: ' Case-1 ', name: 'Again' }))).toBe(
      'CONFLICT',
    );
    expect(await messageOf(app.api.products.create.mutate({ sku: 'cAsE-1', name: 'x' }))).toMatch(
      /already exists/,
    );
  });

  it('rejects invalid input with BAD_REQUEST and the field message', async () => {
    const cases: [unknown, RegExp][] = [
      [{ sku: '', name: 'x' }, /sku is required/],
      [{ sku: '   ', name: 'x' }, /sku is required/],
      [{ sku: 'a', name: '' }, /name is required/],
      [{ sku: 'a'.repeat(256), name: 'x' }, /sku must be at most 255/],
      [{ sku: 'a', name: 'n'.repeat(1001) }, /name must be at most 1000/],
      [
        { sku: 'a', name: 'x', description: 'd'.repeat(20_001) },
        /description must be at most 20000/,
      ],
      [{ sku: 'a', name: 'x', active: 'yes' }, /active/],
      [{ name: 'no sku' }, /sku/],
    ];
    for (const [input, message] of cases) {
      // @ts-expect-error deliberately invalid input
      const call = app.api.products.create.mutate(input);
      expect(await codeOf(call)).toBe('BAD_REQUEST');
      // @ts-expect-error deliberately invalid input
      expect(await messageOf(app.api.products.create.mutate(input))).toMatch(message);
    }
  });

  it('accepts the limits exactly', async () => {
    const product = await app.api.products.create.mutate({
      sku: 'L'.repeat(255),
      name: 'N'.repeat(1000),
      description: 'D'.repeat(20_000),
    });
    expect(product.description).toHaveLength(20_000);
  });

  it('answers NOT_FOUND for a missing id on byId, update and delete', async () => {
    expect(await codeOf(app.api.products.byId.query({ id: 999_999 }))).toBe('NOT_FOUND');
    expect(await codeOf(app.api.products.update.mutate({ id: 999_999, name: 'x' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(app.api.products.delete.mutate({ id: 999_999 }))).toBe('NOT_FOUND');
    expect(await codeOf(app.api.products.byId.query({ id: -1 }))).toBe('BAD_REQUEST');
  });

  it('updates a partial patch and keeps the rest', async () => {
    const product = await app.api.products.create.mutate({
      sku: 'UPD-1',
      name: 'Old',
      description: 'keep',
    });
    const updated = await app.api.products.update.mutate({
      id: product.id,
      name: 'New',
      active: false,
    });
    expect(updated).toMatchObject({
      sku: 'UPD-1',
      name: 'New',
      description: 'keep',
      active: false,
    });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(product.updatedAt.getTime());
    // Re-spelling its own SKU is allowed; taking another product's is not.
    expect((await app.api.products.update.mutate({ id: product.id, sku: 'upd-1' })).sku).toBe(
      'upd-1',
    );
    expect(await codeOf(app.api.products.update.mutate({ id: product.id, sku: 'case-1' }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(app.api.products.update.mutate({ id: product.id, name: '' }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('deletes one product', async () => {
    const product = await app.api.products.create.mutate({ sku: 'DEL-1', name: 'Doomed' });
    expect((await app.api.products.delete.mutate({ id: product.id })).id).toBe(product.id);
    expect(await codeOf(app.api.products.byId.query({ id: product.id }))).toBe('NOT_FOUND');
  });

  it('records one event per change, in the same transaction', async () => {
    const before = await app.database.sql<{ n: number }[]>`select count(*)::int as n from events`;
    const product = await app.api.products.create.mutate({ sku: 'EVT-1', name: 'Evented' });
    await app.api.products.update.mutate({ id: product.id, name: 'Changed' });
    await codeOf(app.api.products.create.mutate({ sku: 'evt-1', name: 'conflict, rolled back' }));
    await app.api.products.delete.mutate({ id: product.id });
    const rows = await app.database.sql<{ type: string; sku: string }[]>`
      select type, data->>'sku' as sku from events order by created_at offset ${before[0]!.n}`;
    expect(rows).toEqual([
      { type: 'product.created', sku: 'EVT-1' },
      { type: 'product.updated', sku: 'EVT-1' },
      { type: 'product.deleted', sku: 'EVT-1' },
    ]);
  });
});

describe('products.list', () => {
  beforeAll(async () => {
    await app.api.products.deleteAll.mutate({ confirm: true });
    for (let i = 1; i <= 30; i++) {
      await app.api.products.create.mutate({
        sku: `LIST-${String(i).padStart(2, '0')}`,
        name: i % 3 === 0 ? `Blue kettle ${i}` : `Red toaster ${i}`,
        description: i % 5 === 0 ? 'Has 100% cotton_cover' : 'plain',
        active: i % 2 === 0,
      });
    }
  });

  it('paginates with a total', async () => {
    const first = await app.api.products.list.query({ page: 1, pageSize: 10 });
    expect(first).toMatchObject({ total: 30, totalIsEstimate: false, page: 1, pageSize: 10 });
    expect(first.items.map((p) => p.sku)).toEqual(
      Array.from({ length: 10 }, (_, i) => `LIST-${String(i + 1).padStart(2, '0')}`),
    );
    const last = await app.api.products.list.query({ page: 4, pageSize: 10 });
    expect(last.items).toEqual([]);
    expect(last.total).toBe(30);
    // Page 3 is 1-based: rows 21-30; exactTotal asks for the exact count (small ones are anyway).
    const third = await app.api.products.list.query({ page: 3, pageSize: 10, exactTotal: true });
    expect(third).toMatchObject({ total: 30, totalIsEstimate: false, page: 3, pageSize: 10 });
    expect(third.items.map((p) => p.sku)).toEqual(
      Array.from({ length: 10 }, (_, i) => `LIST-${i + 21}`),
    );
  });

  it('filters by case-insensitive substrings and active, combined', async () => {
    const byName = await app.api.products.list.query({ name: 'BLUE KET' });
    expect(byName.total).toBe(10);
    const bySku = await app.api.products.list.query({ sku: 'list-0' });
    expect(bySku.total).toBe(9);
    const active = await app.api.products.list.query({ active: true });
    expect(active.total).toBe(15);
    const inactive = await app.api.products.list.query({ active: false });
    expect(inactive.total).toBe(15);
    const combined = await app.api.products.list.query({
      name: 'blue',
      active: true,
      pageSize: 100,
    });
    expect(combined.items.every((p) => p.active && p.name.startsWith('Blue'))).toBe(true);
    expect(combined.total).toBe(5);
  });

  it('treats % and _ in a filter as literal characters', async () => {
    expect((await app.api.products.list.query({ description: '100%' })).total).toBe(6);
    expect((await app.api.products.list.query({ description: 'n_c' })).total).toBe(6);
    expect((await app.api.products.list.query({ description: '%' })).total).toBe(6);
    expect((await app.api.products.list.query({ description: '_' })).total).toBe(6);
  });

  it('ignores blank filters', async () => {
    expect((await app.api.products.list.query({ name: '   ' })).total).toBe(30);
  });

  it('sorts by a column with id as tie-breaker', async () => {
    const desc = await app.api.products.list.query({
      sort: { field: 'sku', direction: 'desc' },
      pageSize: 3,
    });
    expect(desc.items.map((p) => p.sku)).toEqual(['LIST-30', 'LIST-29', 'LIST-28']);
    const byActive = await app.api.products.list.query({
      sort: { field: 'active', direction: 'asc' },
      pageSize: 30,
    });
    expect(byActive.items.slice(0, 15).every((p) => !p.active)).toBe(true);
  });

  it('rejects bad paging input', async () => {
    expect(await codeOf(app.api.products.list.query({ page: 0 }))).toBe('BAD_REQUEST');
    expect(await codeOf(app.api.products.list.query({ pageSize: 201 }))).toBe('BAD_REQUEST');
    // @ts-expect-error unknown sort field
    expect(await codeOf(app.api.products.list.query({ sort: { field: 'price' } }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('keeps totals right through updates of active and deletes', async () => {
    const page = await app.api.products.list.query({ active: true, pageSize: 1 });
    await app.api.products.update.mutate({ id: page.items[0]!.id, active: false });
    expect((await app.api.products.list.query({ active: true })).total).toBe(14);
    await app.api.products.delete.mutate({ id: page.items[0]!.id });
    expect((await app.api.products.list.query({})).total).toBe(29);
    expect((await app.api.products.list.query({ active: false })).total).toBe(15);
  });
});

describe('products.deleteAll', () => {
  it('requires { confirm: true }', async () => {
    // @ts-expect-error confirm must be the literal true
    expect(await codeOf(app.api.products.deleteAll.mutate({ confirm: false }))).toBe('BAD_REQUEST');
    // @ts-expect-error confirm is required
    expect(await codeOf(app.api.products.deleteAll.mutate({}))).toBe('BAD_REQUEST');
  });

  it('keeps the list readable while it copies the catalogue for undo', async () => {
    await app.api.products.create.mutate({ sku: 'READ-DURING-DELETE', name: 'Still readable' });
    // Holding deleted_products stops deleteAll in the middle of its copy.
    const side = await app.database.sql.reserve();
    await side`begin`;
    await side`lock table deleted_products in share mode`;
    const deleting = app.api.products.deleteAll.mutate({ confirm: true });
    try {
      await vi.waitFor(
        async () => {
          const [row] = await app.database.sql<{ n: number }[]>`
            select count(*)::int as n from pg_locks
            where relation = 'deleted_products'::regclass and not granted
              and database = (select oid from pg_database where datname = current_database())`;
          expect(row!.n).toBe(1);
        },
        { timeout: 5_000, interval: 20 },
      );
      const read = app.api.products.list.query({ name: 'still readable' });
      const deadline = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('products.list waited for deleteAll')), 3_000),
      );
      expect(await Promise.race([read, deadline])).toMatchObject({ total: 1 });
    } finally {
      await side`rollback`;
      side.release();
    }
    expect((await deleting).deleted).toBeGreaterThanOrEqual(1);
    expect(await app.api.products.list.query({ name: 'still readable' })).toMatchObject({
      total: 0,
    });
  });

  it('deletes everything, says how many, and records one event', async () => {
    await app.api.products.create.mutate({ sku: 'ALL-1', name: 'a' });
    await app.api.products.create.mutate({ sku: 'ALL-2', name: 'b' });
    const total = (await app.api.products.list.query({})).total;
    expect(await app.api.products.deleteAll.mutate({ confirm: true })).toEqual({
      deleted: total,
      restoreId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
    });
    expect(await app.api.products.list.query({})).toMatchObject({ total: 0, items: [] });
    const [row] = await app.database.sql<{ n: number }[]>`
      select count(*)::int as n from events where type = 'products.deleted_all' and (data->>'deleted')::int = ${total}`;
    expect(row!.n).toBe(1);
  });
});
