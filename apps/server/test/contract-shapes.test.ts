import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TImport, TWebhookTestResult } from '@acme/shared';
import { startTestReceiver, untilSubscribed, type TestReceiver } from '@acme/testing';
import { startServerWithWorker, upload, type ServerWithWorker } from './helpers.ts';

/**
 * The public names of docs/contract.md section 4, pinned as another service sees them through
 * the typed client: more fields may be added, none renamed or dropped. Each shape is checked on
 * a real answer, so a renamed field fails here even when the schemas and the code agree.
 */
const SHAPES = {
  product: ['id', 'sku', 'name', 'description', 'active', 'createdAt', 'updatedAt'],
  import: [
    ...['id', 'filename', 'status', 'error', 'bytesTotal', 'bytesProcessed', 'rowsProcessed'],
    ...['created', 'updated', 'unchanged', 'invalid', 'createdAt', 'startedAt', 'finishedAt'],
    // sections 2, 2b and 2c
    ...['duplicates', 'blank', 'format', 'columns', 'mapping', 'preview', 'revertedAt'],
  ],
  importError: ['line', 'sku', 'message'],
  webhook: ['id', 'url', 'events', 'enabled', 'secret', 'lastTest', 'createdAt', 'updatedAt'],
  attempt: ['statusCode', 'responseTimeMs', 'error', 'at'],
  page: ['items', 'total', 'page', 'pageSize'],
} as const;

const hasShape = (value: unknown, shape: readonly string[]) =>
  expect(Object.keys(value as object)).toEqual(expect.arrayContaining([...shape]));

let t: ServerWithWorker;
let receiver: TestReceiver;
beforeAll(async () => {
  t = await startServerWithWorker({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  receiver = await startTestReceiver();
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe('the contract names', () => {
  it('products: a product, the list page, delete, deleteAll and restore', async () => {
    const product = await t.api.products.create.mutate({ sku: 'SHAPE-1', name: 'Shape' });
    hasShape(product, SHAPES.product);
    hasShape(await t.api.products.byId.query({ id: product.id }), SHAPES.product);
    hasShape(await t.api.products.update.mutate({ id: product.id, name: 'x' }), SHAPES.product);
    const page = await t.api.products.list.query({ page: 1, pageSize: 10 });
    hasShape(page, [...SHAPES.page, 'totalIsEstimate']);
    hasShape(page.items[0], SHAPES.product);
    const deleted = await t.api.products.delete.mutate({ id: product.id });
    hasShape(deleted, [...SHAPES.product, 'restoreId']);
    expect(await t.api.products.restore.mutate({ restoreId: deleted.restoreId! })).toEqual({
      restored: 1,
      skipped: 0,
    });
    const all = await t.api.products.deleteAll.mutate({ confirm: true });
    expect(all).toEqual({ deleted: 1, restoreId: expect.any(String) as string });
  });

  it('imports: the import as onProgress yields it, its errors, revert', async () => {
    const answer = await upload(t.url, 'sku,name\nSHAPE-2,Two\nSHAPE-3,\n');
    expect(answer).toEqual({ status: 202, body: { importId: expect.any(String) as string } });
    const id = answer.body.importId!;
    const states: TImport[] = [];
    let ended = false;
    const subscription = t.api.imports.onProgress.subscribe(
      { id },
      { onData: ({ data }) => states.push(data), onComplete: () => (ended = true) },
    );
    await expect.poll(() => ended, { timeout: 20_000 }).toBe(true);
    subscription.unsubscribe();
    const final = states.at(-1)!;
    expect(final.status).toBe('completed');
    for (const state of states) hasShape(state, SHAPES.import);
    hasShape(await t.api.imports.byId.query({ id }), SHAPES.import);
    const listed = await t.api.imports.list.query({ page: 1, pageSize: 10 });
    hasShape(listed, SHAPES.page);
    hasShape(listed.items[0], SHAPES.import);
    const errors = await t.api.imports.errors.query({ id });
    hasShape(errors, SHAPES.page);
    expect(errors.items).toEqual([{ line: 3, sku: 'SHAPE-3', message: 'name is required' }]);
    expect(await t.api.imports.revert.mutate({ id })).toEqual({ restored: 0, deleted: 1, kept: 0 });
    expect((await t.api.imports.byId.query({ id })).revertedAt).toBeInstanceOf(Date);
  });

  it('webhooks: the webhook, its test result and its delivery attempts', async () => {
    const webhook = await t.api.webhooks.create.mutate({
      url: receiver.url,
      events: ['product.created'],
    });
    hasShape(webhook, SHAPES.webhook);
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    for (const shown of [
      await t.api.webhooks.byId.query({ id: webhook.id }),
      await t.api.webhooks.update.mutate({ id: webhook.id, enabled: true }),
      (await t.api.webhooks.list.query()).find(({ id }) => id === webhook.id),
    ]) {
      hasShape(shown, SHAPES.webhook);
      expect(shown!.secret).not.toBe(webhook.secret); // masked except on create
    }

    const results: TWebhookTestResult[] = [];
    const subscription = t.api.webhooks.onTestResult.subscribe(
      { id: webhook.id },
      { onData: (result) => results.push(result) },
    );
    await untilSubscribed(t.config, `webhook-test:${webhook.id}`);
    await t.api.webhooks.test.mutate({ id: webhook.id });
    await expect.poll(() => results.length, { timeout: 10_000 }).toBe(1);
    subscription.unsubscribe();
    hasShape(results[0], SHAPES.attempt);
    expect(results[0]).toMatchObject({ statusCode: 204, error: null });
    const { lastTest } = await t.api.webhooks.byId.query({ id: webhook.id });
    hasShape(lastTest, SHAPES.attempt);

    await t.api.products.create.mutate({ sku: 'SHAPE-4', name: 'Four' });
    await receiver.waitFor(2);
    // The test and the product.created delivery, each with its latest attempt at the top level.
    await expect
      .poll(
        async () =>
          (await t.api.webhooks.deliveries.query({ id: webhook.id })).items.map(
            ({ statusCode }) => statusCode,
          ),
        { timeout: 10_000 },
      )
      .toEqual([204, 204]);
    const log = await t.api.webhooks.deliveries.query({ id: webhook.id });
    hasShape(log, SHAPES.page);
    expect(log.total).toBe(2);
    for (const item of log.items) hasShape(item, SHAPES.attempt);
    const detail = await t.api.webhooks.delivery.query({
      id: webhook.id,
      deliveryId: log.items[0]!.deliveryId,
    });
    for (const attempt of detail.attempts) hasShape(attempt, SHAPES.attempt);
  });
});
