import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppRouter } from '@acme/api';
import { createApiClient, type ApiClient } from '@acme/api/client';
import { signPayload } from '@acme/jobs/webhooks';
import {
  startTestReceiver,
  testConfig,
  type TestConfig,
  testLogger,
  type TestReceiver,
  untilSubscribed,
  useTestDatabase,
} from '@acme/testing';
import type { TWebhookTestResult } from '@acme/shared';
import { startWorker, type RunningWorker } from '@acme/worker/worker';
import { startServer, type RunningServer } from './app.ts';

const logger = testLogger();
const database = useTestDatabase();
let config: TestConfig;
/** Allows private targets (the receiver is on 127.0.0.1). */
let server: RunningServer;
/** The production default: refuses private targets. */
let strictServer: RunningServer;
let worker: RunningWorker;
let endpoint: TestReceiver;
let api: ApiClient;
let strictApi: ApiClient;
const closers: (() => void)[] = [];

function clientFor(running: RunningServer): ApiClient {
  const { client, close } = createApiClient({ baseUrl: running.url });
  closers.push(close);
  return client;
}

beforeAll(async () => {
  // Both servers and the worker share the database and the Redis prefix.
  config = testConfig(database, { WEBHOOK_ALLOW_PRIVATE: 'true' });
  server = await startServer(config, logger);
  strictServer = await startServer({ ...config, WEBHOOK_ALLOW_PRIVATE: false }, logger);
  worker = await startWorker(config, logger);
  endpoint = await startTestReceiver();
  api = clientFor(server);
  strictApi = clientFor(strictServer);
});

afterAll(async () => {
  for (const close of closers) close();
  await worker?.stop();
  await server?.close();
  await strictServer?.close();
  await endpoint?.close();
});

async function rejection(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** The webhook's deliveries (newest first) once they hold at least `count` attempts in all. */
async function waitForAttempts(id: string, count: number) {
  return vi.waitFor(
    async () => {
      const log = await api.webhooks.deliveries.query({ id });
      const attempts = log.items.reduce((sum, delivery) => sum + delivery.attempts, 0);
      if (attempts < count) throw new Error(`webhook ${id} has ${attempts} of ${count} attempts`);
      return log.items;
    },
    { timeout: 10_000, interval: 25 },
  );
}

describe('webhooks router', () => {
  it('creates a webhook, showing the secret in full only in the create answer', async () => {
    const created = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created', 'product.created', 'import.completed'],
    });
    expect(created).toMatchObject({
      url: endpoint.url,
      events: ['product.created', 'import.completed'],
      enabled: true,
      lastTest: null,
      disabledReason: null,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
    expect(created.createdAt).toBeInstanceOf(Date);

    const masked = `whsec_…${created.secret.slice(-4)}`;
    expect((await api.webhooks.byId.query({ id: created.id })).secret).toBe(masked);
    const listed = await api.webhooks.list.query();
    expect(listed.find((w) => w.id === created.id)?.secret).toBe(masked);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  it('updates a partial patch and regenerates the secret on request', async () => {
    const created = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.updated'],
    });
    const patched = await api.webhooks.update.mutate({
      id: created.id,
      events: ['product.deleted'],
    });
    expect(patched).toMatchObject({ url: endpoint.url, events: ['product.deleted'] });
    expect(patched.secret).toBe(`whsec_…${created.secret.slice(-4)}`);
    expect(patched.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());

    const rotated = await api.webhooks.update.mutate({ id: created.id, regenerateSecret: true });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.secret).not.toContain('…');
  });

  it('clears the reason when a disabled webhook is enabled again', async () => {
    const created = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    await database.sql`update webhooks set enabled = false,
      disabled_reason = 'Disabled automatically: 410 Gone' where id = ${created.id}`;
    expect(await api.webhooks.byId.query({ id: created.id })).toMatchObject({
      enabled: false,
      disabledReason: 'Disabled automatically: 410 Gone',
    });
    const enabled = await api.webhooks.update.mutate({ id: created.id, enabled: true });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null });
  });

  it.each([
    [
      { url: 'ftp://example.com/x', events: ['product.created'] },
      'url must start with http:// or https://',
    ],
    [{ url: 'not a url', events: ['product.created'] }, 'url must be a valid URL'],
    [
      { url: 'https://user:pw@example.com/', events: ['product.created'] },
      'url must not contain a user name or password',
    ],
    [
      { url: 'https://example.com/', events: [] },
      'events must name at least one of: product.created',
    ],
    [
      { url: 'https://example.com/', events: ['product.exploded'] },
      'events may only hold: product.created',
    ],
    [{ url: 'https://example.com/', events: ['webhook.test'] }, 'events may only hold'],
  ])('refuses %j with a clear message', async (input, message) => {
    const error = await rejection(api.webhooks.create.mutate(input as never));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(message);
  });

  it('refuses over-long input', async () => {
    for (const [input, message] of [
      [
        { url: 'https://example.com/', events: Array(51).fill('product.created') },
        'events may hold at most 50 items',
      ],
      [
        { url: `https://example.com/${'a'.repeat(2_100)}`, events: ['product.created'] },
        'url must be at most 2048 characters',
      ],
    ] as const) {
      const error = await rejection(api.webhooks.create.mutate(input as never));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toBe(message);
    }
  });

  it('answers NOT_FOUND for an unknown webhook and BAD_REQUEST for a malformed id', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const call of [
      () => api.webhooks.byId.query({ id: missing }),
      () => api.webhooks.update.mutate({ id: missing, enabled: false }),
      () => api.webhooks.delete.mutate({ id: missing }),
      () => api.webhooks.test.mutate({ id: missing }),
      () => api.webhooks.deliveries.query({ id: missing }),
    ]) {
      const error = await rejection(call());
      expect(error.data?.code).toBe('NOT_FOUND');
      expect(error.message).toBe(`Webhook ${missing} does not exist`);
    }
    const error = await rejection(api.webhooks.byId.query({ id: '42' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('id must be a webhook id (UUID)');
  });

  it('refuses private, loopback and link-local targets at save and at test', async () => {
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://localhost/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://10.1.2.3/hook',
    ]) {
      const error = await rejection(
        strictApi.webhooks.create.mutate({ url, events: ['product.created'] }),
      );
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/^url refused: /);
    }
    const saved = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const onUpdate = await rejection(
      strictApi.webhooks.update.mutate({ id: saved.id, url: 'http://192.168.0.1/' }),
    );
    expect(onUpdate.message).toMatch(/^url refused: 192\.168\.0\.1/);
    const onTest = await rejection(strictApi.webhooks.test.mutate({ id: saved.id }));
    expect(onTest.data?.code).toBe('BAD_REQUEST');
    expect(onTest.message).toMatch(/^url refused: 127\.0\.0\.1/);
  });

  it('tests a webhook in the background and streams, stores and logs the result', async () => {
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const results: TWebhookTestResult[] = [];
    const subscription = api.webhooks.onTestResult.subscribe(
      { id: hook.id },
      { onData: (result) => results.push(result) },
    );
    try {
      await untilSubscribed(config, `webhook-test:${hook.id}`);
      const before = endpoint.received.length;
      const queued = await api.webhooks.test.mutate({ id: hook.id });
      expect(queued).toEqual({ queued: true, deliveryId: expect.any(String) as string });

      await expect.poll(() => results.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({
        statusCode: 204,
        error: null,
        deliveryId: queued.deliveryId,
      });
      expect(results[0]!.at).toBeInstanceOf(Date);
      const request = endpoint.received[before]!;
      expect(request.headers['webhook-id']).toBe(queued.deliveryId);
      expect(JSON.parse(request.body)).toMatchObject({
        type: 'webhook.test',
        data: { webhookId: hook.id },
      });

      const stored = await api.webhooks.byId.query({ id: hook.id });
      expect(stored.lastTest).toEqual(results[0]);
      const log = await api.webhooks.deliveries.query({ id: hook.id });
      expect(log.items[0]).toMatchObject({
        deliveryId: queued.deliveryId,
        eventType: 'webhook.test',
        status: 'succeeded',
        attempts: 1,
        lastAttempt: { statusCode: 204, error: null },
      });
    } finally {
      subscription.unsubscribe();
    }
  });

  it('gives a subscriber that came after a test its stored result first, then each new one', async () => {
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const first = await api.webhooks.test.mutate({ id: hook.id });
    await expect
      .poll(async () => (await api.webhooks.byId.query({ id: hook.id })).lastTest?.deliveryId, {
        timeout: 10_000,
      })
      .toBe(first.deliveryId);

    const results: TWebhookTestResult[] = [];
    const subscription = api.webhooks.onTestResult.subscribe(
      { id: hook.id },
      { onData: (result) => results.push(result) },
    );
    try {
      await expect
        .poll(() => results.map((result) => result.deliveryId), { timeout: 10_000 })
        .toEqual([first.deliveryId]);
      await untilSubscribed(config, `webhook-test:${hook.id}`);
      const second = await api.webhooks.test.mutate({ id: hook.id });
      await expect
        .poll(() => results.map((result) => result.deliveryId), { timeout: 10_000 })
        .toEqual([first.deliveryId, second.deliveryId]);
      expect(results[1]).toMatchObject({ statusCode: 204, error: null });
    } finally {
      subscription.unsubscribe();
    }
  });

  it('lists deliveries newest first with their latest attempt, paged and filtered', async () => {
    endpoint.respond((request, res) => {
      if (request.body.includes('PAGE-2')) res.writeHead(500).end('broken');
      else res.writeHead(200).end('thanks');
    });
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    for (const sku of ['PAGE-1', 'PAGE-2', 'PAGE-3']) {
      await api.products.create.mutate({ sku, name: 'Kettle' });
    }
    await waitForAttempts(hook.id, 3);

    const log = await api.webhooks.deliveries.query({ id: hook.id, pageSize: 2 });
    expect(log).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(log.items).toHaveLength(2);
    expect(log.items[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(
      log.items[1]!.createdAt.getTime(),
    );
    expect(log.items[0]).toMatchObject({
      eventType: 'product.created',
      status: 'succeeded',
      attempts: 1,
      nextAttemptAt: null,
      lastAttempt: { statusCode: 200, error: null },
    });
    // Each item is also a delivery attempt as docs/contract.md section 4 shapes one: its latest.
    const { lastAttempt } = log.items[0]!;
    expect(log.items[0]).toMatchObject({
      statusCode: 200,
      responseTimeMs: lastAttempt!.responseTimeMs,
      error: null,
      at: lastAttempt!.at,
    });
    const second = await api.webhooks.deliveries.query({ id: hook.id, page: 2, pageSize: 2 });
    expect(second.items).toHaveLength(1);

    // The failed one is retrying: pending, its next attempt scheduled.
    const retrying = await api.webhooks.deliveries.query({ id: hook.id, status: 'pending' });
    expect(retrying.total).toBe(1);
    expect(retrying.items[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastAttempt: { statusCode: 500, error: 'the endpoint answered 500' },
      statusCode: 500,
      error: 'the endpoint answered 500',
    });
    expect(retrying.items[0]!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    const succeeded = await api.webhooks.deliveries.query({ id: hook.id, status: 'succeeded' });
    expect(succeeded.total).toBe(2);
    await api.webhooks.test.mutate({ id: hook.id });
    await waitForAttempts(hook.id, 4);
    const tests = await api.webhooks.deliveries.query({ id: hook.id, eventType: 'webhook.test' });
    expect(tests.items.map((delivery) => delivery.eventType)).toEqual(['webhook.test']);
    const none = await api.webhooks.deliveries.query({
      id: hook.id,
      eventType: 'product.deleted',
    });
    expect(none).toMatchObject({ items: [], total: 0 });

    for (const [input, message] of [
      [{ pageSize: 1000 }, 'pageSize must be at most 200'],
      [{ page: 0 }, 'page must be 1 or more'],
      [{ status: 'lost' }, 'status must be one of: pending, succeeded, failed'],
      [{ eventType: 'product.exploded' }, 'eventType must be one of: product.created'],
    ] as const) {
      const error = await rejection(
        api.webhooks.deliveries.query({ id: hook.id, ...(input as object) }),
      );
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toContain(message);
    }
    await api.webhooks.delete.mutate({ id: hook.id });
  });

  it('shows one delivery with the body it sends and each attempt: headers sent, answer', async () => {
    // A path of its own: other tests' webhooks (same receiver) get the product events too.
    const url = `${endpoint.url}/detail`;
    let calls = 0;
    endpoint.respond((request, res) => {
      if (request.path !== '/hook/detail') return void res.writeHead(204).end();
      calls++;
      res.writeHead(calls === 1 ? 503 : 200).end(calls === 1 ? 'try later' : 'got it');
    });
    const hook = await api.webhooks.create.mutate({
      url,
      events: ['product.created'],
    });
    await api.products.create.mutate({ sku: 'DETAIL-1', name: 'Kettle' });
    const [delivery] = await waitForAttempts(hook.id, 1);
    // Retry now (the automatic retry is 30 s away) gives the second attempt.
    await api.webhooks.redeliver.mutate({ id: hook.id, deliveryId: delivery!.deliveryId });
    await waitForAttempts(hook.id, 2);

    const detail = await api.webhooks.delivery.query({
      id: hook.id,
      deliveryId: delivery!.deliveryId,
    });
    expect(detail.delivery).toMatchObject({ status: 'succeeded', attempts: 2 });
    const sent = endpoint.received.filter((r) => r.path === '/hook/detail');
    expect(sent).toHaveLength(2);
    // The body shown is byte for byte the one sent, on every attempt.
    expect(detail.requestBody).toBe(sent[0]!.body);
    expect(sent[1]!.body).toBe(sent[0]!.body);
    expect(detail.attempts.map((a) => [a.attempt, a.statusCode, a.responseExcerpt])).toEqual([
      [1, 503, 'try later'],
      [2, 200, 'got it'],
    ]);
    sent.forEach((request, index) => {
      expect(detail.attempts[index]!.requestHeaders).toEqual({
        'content-type': 'application/json',
        'user-agent': 'Acme-Product-Importer-Webhooks/1.0',
        'webhook-id': delivery!.deliveryId,
        'webhook-timestamp': request.headers['webhook-timestamp'],
        'webhook-signature': request.headers['webhook-signature'],
      });
    });
    // Signatures, never the secret.
    expect(JSON.stringify(detail)).not.toContain(hook.secret.slice('whsec_'.length));

    const missing = '00000000-0000-4000-8000-000000000000';
    const unknown = await rejection(
      api.webhooks.delivery.query({ id: hook.id, deliveryId: missing }),
    );
    expect(unknown.data?.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe(`Delivery ${missing} does not exist`);
    const malformed = await rejection(
      api.webhooks.delivery.query({ id: hook.id, deliveryId: 'x' }),
    );
    expect(malformed.message).toBe('deliveryId must be a delivery id (UUID)');
    await api.webhooks.delete.mutate({ id: hook.id });
  });

  it('resends a finished delivery by hand, with the same webhook-id', async () => {
    endpoint.respond((_request, res) => res.writeHead(200).end('ok'));
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    await api.products.create.mutate({ sku: 'RESEND-1', name: 'Kettle' });
    const [first] = await waitForAttempts(hook.id, 1);
    expect(first).toMatchObject({ attempts: 1, status: 'succeeded' });

    const resent = await api.webhooks.redeliver.mutate({
      id: hook.id,
      deliveryId: first!.deliveryId,
    });
    expect(resent.deliveryId).toBe(first!.deliveryId);
    const [again] = await waitForAttempts(hook.id, 2);
    expect(again).toMatchObject({
      deliveryId: first!.deliveryId,
      attempts: 2,
      status: 'succeeded',
      lastAttempt: { statusCode: 200 },
    });
    // Both requests carry the delivery's id as webhook-id, and the same body.
    const sent = endpoint.received.filter((r) => r.headers['webhook-id'] === first!.deliveryId);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).toBe(sent[0]!.body);
    expect(sent[0]!.body).toContain('RESEND-1');

    await api.webhooks.update.mutate({ id: hook.id, enabled: false });
    const disabled = await rejection(
      api.webhooks.redeliver.mutate({ id: hook.id, deliveryId: first!.deliveryId }),
    );
    expect(disabled.data?.code).toBe('CONFLICT');
    expect(disabled.message).toMatch(/disabled/);
  });

  it('retries a delivery waiting for its next retry now, sending it once', async () => {
    let failing = true;
    endpoint.respond((request, res) => {
      if (request.path !== '/hook/retry-now') return void res.writeHead(204).end();
      res.writeHead(failing ? 503 : 200).end();
    });
    const hook = await api.webhooks.create.mutate({
      url: `${endpoint.url}/retry-now`,
      events: ['product.created'],
    });
    await api.products.create.mutate({ sku: 'RETRY-NOW-1', name: 'Kettle' });
    const [retrying] = await waitForAttempts(hook.id, 1);
    expect(retrying).toMatchObject({ status: 'pending', lastAttempt: { statusCode: 503 } });
    expect(retrying!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 5_000);

    failing = false;
    await api.webhooks.redeliver.mutate({ id: hook.id, deliveryId: retrying!.deliveryId });
    const [done] = await waitForAttempts(hook.id, 2);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, nextAttemptAt: null });
    // The scheduled retry was moved, not doubled: no job of this delivery is left.
    const [jobs] = await database.sql<{ count: number }[]>`
      select count(*)::int as count from graphile_worker.jobs
      where key = ${`webhook:deliver:${retrying!.deliveryId}`}`;
    expect(jobs!.count).toBe(0);
    expect(endpoint.received.filter((r) => r.path === '/hook/retry-now')).toHaveLength(2);
    await api.webhooks.delete.mutate({ id: hook.id });
  });

  it('refuses to resend a test, one not tried yet, or one of another webhook', async () => {
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const { deliveryId: testId } = await api.webhooks.test.mutate({ id: hook.id });
    await waitForAttempts(hook.id, 1);
    const test = await rejection(
      api.webhooks.redeliver.mutate({ id: hook.id, deliveryId: testId }),
    );
    expect(test.data?.code).toBe('CONFLICT');
    expect(test.message).toMatch(/use Test/);

    // A delivery whose first attempt has not been made (here: one the worker has not reached).
    const [untried] = await database.sql<{ id: string }[]>`
      insert into webhook_deliveries (webhook_id, event_type)
      values (${hook.id}, 'product.created') returning id`;
    const notYet = await rejection(
      api.webhooks.redeliver.mutate({ id: hook.id, deliveryId: untried!.id }),
    );
    expect(notYet.data?.code).toBe('CONFLICT');
    expect(notYet.message).toMatch(/not been tried yet/);
    const log = await api.webhooks.deliveries.query({ id: hook.id, status: 'pending' });
    expect(log.items.find((delivery) => delivery.deliveryId === untried!.id)).toMatchObject({
      attempts: 0,
      lastAttempt: null,
      statusCode: null,
      responseTimeMs: null,
      error: null,
      at: null,
    });

    const other = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const foreign = await rejection(
      api.webhooks.redeliver.mutate({ id: other.id, deliveryId: testId }),
    );
    expect(foreign.data?.code).toBe('NOT_FOUND');
    await api.webhooks.delete.mutate({ id: hook.id });
    await api.webhooks.delete.mutate({ id: other.id });
  });

  it('rotates the secret: the new one signs alongside the old one for a day', async () => {
    endpoint.respond((_request, res) => res.writeHead(204).end());
    const hook = await api.webhooks.create.mutate({
      url: `${endpoint.url}/rotate`,
      events: ['product.created'],
    });
    const rotated = await api.webhooks.rotateSecret.mutate({ id: hook.id });
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
    expect(rotated.secret).not.toBe(hook.secret);
    expect(rotated.previousSecret).toBe(`whsec_…${hook.secret.slice(-4)}`);
    const dayAhead = Date.now() + 24 * 60 * 60 * 1000;
    expect(Math.abs(rotated.previousSecretExpiresAt!.getTime() - dayAhead)).toBeLessThan(60_000);
    const shown = await api.webhooks.byId.query({ id: hook.id });
    expect(shown.secret).toBe(`whsec_…${rotated.secret.slice(-4)}`);
    expect(JSON.stringify(await api.webhooks.list.query())).not.toContain(rotated.secret);

    await api.products.create.mutate({ sku: 'ROTATE-1', name: 'Kettle' });
    await waitForAttempts(hook.id, 1);
    const request = endpoint.received.find((r) => r.path === '/hook/rotate')!;
    const id = String(request.headers['webhook-id']);
    const timestamp = Number(request.headers['webhook-timestamp']);
    expect(request.headers['webhook-signature']).toBe(
      [rotated.secret, hook.secret]
        .map((secret) => signPayload(secret, id, timestamp, request.body))
        .join(' '),
    );

    // Rotating again within the day: the oldest goes at once, two secrets at most.
    const again = await api.webhooks.rotateSecret.mutate({ id: hook.id });
    expect(again.previousSecret).toBe(`whsec_…${rotated.secret.slice(-4)}`);
    // A replacement (a leaked secret) ends any overlap too.
    const replaced = await api.webhooks.update.mutate({ id: hook.id, regenerateSecret: true });
    expect(replaced).toMatchObject({ previousSecret: null, previousSecretExpiresAt: null });

    const missing = '00000000-0000-4000-8000-000000000000';
    const error = await rejection(api.webhooks.rotateSecret.mutate({ id: missing }));
    expect(error.data?.code).toBe('NOT_FOUND');
    await api.webhooks.delete.mutate({ id: hook.id });
  });

  it("shows each endpoint's success rate and response times over the last 24 hours", async () => {
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const idle = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const [delivery] = await database.sql<{ id: string }[]>`
      insert into webhook_deliveries (webhook_id, event_type, status)
      values (${hook.id}, 'webhook.test', 'succeeded') returning id`;
    // Answered in 10, 20, 30 ms; a 500 in 50 ms; a timeout (no answer); one from yesterday.
    for (const [statusCode, ms, error, hoursAgo] of [
      [200, 10, null, 0],
      [204, 20, null, 1],
      [200, 30, null, 23],
      [500, 50, 'the endpoint answered 500', 2],
      [null, 10_000, 'timed out after 10000 ms', 3],
      [500, 90, 'the endpoint answered 500', 25],
    ] as const) {
      await database.sql`
        insert into webhook_delivery_attempts
          (delivery_id, webhook_id, attempt, status_code, response_time_ms, error, at)
        values (${delivery!.id}, ${hook.id}, 1, ${statusCode}, ${ms}, ${error},
                now() - make_interval(hours => ${hoursAgo}))`;
    }
    await database.sql`update webhooks set url_changed_at = now() - interval '2 days'
                       where id = ${hook.id}`;
    const health = await api.webhooks.health.query();
    expect(health.find((h) => h.webhookId === hook.id)).toEqual({
      webhookId: hook.id,
      attempts: 5,
      succeeded: 3,
      successRate: 0.6,
      p50Ms: 25,
      p95Ms: 47,
    });
    expect(health.find((h) => h.webhookId === idle.id)).toEqual({
      webhookId: idle.id,
      attempts: 0,
      succeeded: 0,
      successRate: null,
      p50Ms: null,
      p95Ms: null,
    });

    // Another URL is another endpoint: its health starts afresh, the old last test goes.
    await database.sql`update webhooks set last_test_at = now(), last_test_status_code = 500,
                       last_test_response_time_ms = 50 where id = ${hook.id}`;
    const sameUrl = await api.webhooks.update.mutate({ id: hook.id, url: endpoint.url });
    expect(sameUrl.lastTest).toMatchObject({ statusCode: 500 });
    const moved = await api.webhooks.update.mutate({ id: hook.id, url: `${endpoint.url}/v2` });
    expect(moved.lastTest).toBeNull();
    const after = await api.webhooks.health.query();
    expect(after.find((h) => h.webhookId === hook.id)).toMatchObject({
      attempts: 0,
      successRate: null,
    });
    await api.webhooks.delete.mutate({ id: hook.id });
    await api.webhooks.delete.mutate({ id: idle.id });
  });

  it('recovers the failed deliveries since a time, and only those', async () => {
    endpoint.respond((_request, res) => res.writeHead(200).end());
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    // Deliveries that gave up (failed) 3 h and 30 and 20 min ago, one that succeeded, a test.
    const fixture = async (
      sku: string,
      status: string,
      minutesAgo: number,
      type = 'product.created',
    ) => {
      const [event] = await database.sql<{ id: string }[]>`
        insert into events (type, data, created_at)
        values (${type}, ${JSON.stringify({ sku })}::jsonb,
                now() - make_interval(mins => ${minutesAgo}))
        returning id`;
      await database.sql`
        insert into webhook_deliveries (webhook_id, event_id, event_type, status, attempts, created_at)
        values (${hook.id}, ${type === 'webhook.test' ? null : event!.id}, ${type},
                ${status}::webhook_delivery_status, 9, now() - make_interval(mins => ${minutesAgo}))`;
    };
    await fixture('RECOVER-OLD', 'failed', 180);
    await fixture('RECOVER-1', 'failed', 30);
    await fixture('RECOVER-2', 'failed', 20);
    await fixture('RECOVER-OK', 'succeeded', 10);
    await fixture('RECOVER-TEST', 'failed', 5, 'webhook.test');

    const since = new Date(Date.now() - 60 * 60 * 1000);
    expect(await api.webhooks.recover.mutate({ id: hook.id, since })).toEqual({ deliveries: 2 });
    const recovered = () => endpoint.received.filter((r) => r.body.includes('RECOVER-'));
    await expect.poll(() => recovered().length, { timeout: 10_000 }).toBe(2);
    // Exactly the two failed since `since`; they are sent in parallel, so in either order.
    const skus = recovered().map((r) => (JSON.parse(r.body) as { data: { sku: string } }).data.sku);
    expect(skus.sort()).toEqual(['RECOVER-1', 'RECOVER-2']);
    // What is left failed: the one from before `since`, and the test.
    await expect
      .poll(
        async () => (await api.webhooks.deliveries.query({ id: hook.id, status: 'failed' })).total,
      )
      .toBe(2);

    // Nothing failed since then: nothing to do.
    expect(await api.webhooks.recover.mutate({ id: hook.id, since: new Date() })).toEqual({
      deliveries: 0,
    });
    const future = await rejection(
      api.webhooks.recover.mutate({ id: hook.id, since: new Date(Date.now() + 3_600_000) }),
    );
    expect(future.data?.code).toBe('BAD_REQUEST');
    expect(future.message).toBe('since must not be in the future');
    await api.webhooks.update.mutate({ id: hook.id, enabled: false });
    const disabled = await rejection(api.webhooks.recover.mutate({ id: hook.id, since }));
    expect(disabled.data?.code).toBe('CONFLICT');
    expect(disabled.message).toMatch(/disabled/);
    const missing = '00000000-0000-4000-8000-000000000000';
    const unknown = await rejection(api.webhooks.recover.mutate({ id: missing, since }));
    expect(unknown.data?.code).toBe('NOT_FOUND');
    await api.webhooks.delete.mutate({ id: hook.id });
  });

  it('tells a subscriber when a delivery changes, announced or not', async () => {
    endpoint.respond((_request, res) => res.writeHead(204).end());
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const changes: (string | null)[] = [];
    const subscription = api.webhooks.onDeliveryChange.subscribe(
      { id: hook.id },
      { onData: (change) => changes.push(change.deliveryId) },
    );
    try {
      await untilSubscribed(config, `webhook-deliveries:${hook.id}`);
      await api.products.create.mutate({ sku: 'LIVE-1', name: 'Kettle' });
      const [delivery] = await waitForAttempts(hook.id, 1);
      // The worker announces the recorded attempt.
      await expect.poll(() => changes, { timeout: 10_000 }).toContain(delivery!.deliveryId);
      // A delivery nobody announced (still queued) is found by looking at Postgres.
      await database.sql`insert into webhook_deliveries (webhook_id, event_type)
                         values (${hook.id}, 'product.created')`;
      await expect.poll(() => changes, { timeout: 10_000 }).toContain(null);
    } finally {
      subscription.unsubscribe();
    }
    await api.webhooks.delete.mutate({ id: hook.id });
  });

  it('deletes a webhook with its log', async () => {
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const deleted = await api.webhooks.delete.mutate({ id: hook.id });
    expect(deleted.id).toBe(hook.id);
    expect((await rejection(api.webhooks.byId.query({ id: hook.id }))).data?.code).toBe(
      'NOT_FOUND',
    );
  });
});
