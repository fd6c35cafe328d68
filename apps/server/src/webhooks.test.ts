import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '@acme/api';
import { createApiClient, type ApiClient } from '@acme/api/client';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import { startTestReceiver, type TestReceiver } from '@acme/jobs/webhooks/test-receiver';
import { createRedis } from '@acme/realtime';
import { loadConfig, requireExternalServices } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import type { TWebhookTestResult } from '@acme/shared';
import { startWorker, type RunningWorker } from '@acme/worker/worker';
import { startServer, type RunningServer } from './app.ts';

const logger = createLogger({ level: 'silent', name: 'test' });
let database: TestDatabase;
let config: ReturnType<typeof requireExternalServices>;
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
  database = await createTestDatabase();
  const env = { DATABASE_URL: database.url, REDIS_PREFIX: uniqueRedisPrefix(), PORT: '0' };
  config = requireExternalServices(
    loadConfig({
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      ...env,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      HOST: '127.0.0.1',
    }),
    'test',
  );
  server = await startServer(config, logger);
  strictServer = await startServer(
    requireExternalServices(
      loadConfig({
        REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
        ...env,
        WEBHOOK_ALLOW_PRIVATE: 'false',
        HOST: '127.0.0.1',
      }),
      'test',
    ),
    logger,
  );
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
  await database?.drop();
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

async function untilSubscribed(channel: string): Promise<void> {
  const redis = createRedis(config.REDIS_URL, { enableOfflineQueue: true });
  try {
    for (let i = 0; i < 200; i++) {
      const answer = (await redis.call('PUBSUB', 'NUMSUB', config.REDIS_PREFIX + channel)) as [
        string,
        number,
      ];
      if (Number(answer[1]) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`nobody subscribed to ${channel}`);
  } finally {
    redis.disconnect();
  }
}

/** The webhook's log once it holds at least `count` attempts, newest first. */
async function waitForAttempts(id: string, count: number) {
  for (let i = 0; i < 400; i++) {
    const log = await api.webhooks.deliveries.query({ id });
    if (log.total >= count) return log.items;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`webhook ${id} has fewer than ${count} attempts`);
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
      await untilSubscribed(`webhook-test:${hook.id}`);
      const before = endpoint.received.length;
      const queued = await api.webhooks.test.mutate({ id: hook.id });
      expect(queued).toEqual({ queued: true, deliveryId: expect.any(String) as string });

      for (let i = 0; i < 400 && results.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
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
        attempt: 1,
        statusCode: 204,
      });
    } finally {
      subscription.unsubscribe();
    }
  });

  it('lists delivery attempts newest first, paged', async () => {
    endpoint.respond((_request, res) => res.writeHead(200).end('thanks'));
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const skus = ['PAGE-1', 'PAGE-2', 'PAGE-3'];
    for (const sku of skus) await api.products.create.mutate({ sku, name: 'Kettle' });

    let log = await api.webhooks.deliveries.query({ id: hook.id, pageSize: 2 });
    for (let i = 0; i < 400 && log.total < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      log = await api.webhooks.deliveries.query({ id: hook.id, pageSize: 2 });
    }
    expect(log).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(log.items).toHaveLength(2);
    expect(log.items[0]!.id).toBeGreaterThan(log.items[1]!.id);
    expect(log.items[0]).toMatchObject({
      eventType: 'product.created',
      statusCode: 200,
      responseExcerpt: 'thanks',
      nextAttemptAt: null,
    });
    const second = await api.webhooks.deliveries.query({ id: hook.id, page: 2, pageSize: 2 });
    expect(second.items).toHaveLength(1);
    const tooBig = await rejection(api.webhooks.deliveries.query({ id: hook.id, pageSize: 1000 }));
    expect(tooBig.data?.code).toBe('BAD_REQUEST');
  });

  it('resends a finished delivery by hand, with the same webhook-id', async () => {
    endpoint.respond((_request, res) => res.writeHead(200).end('ok'));
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    await api.products.create.mutate({ sku: 'RESEND-1', name: 'Kettle' });
    const firstLog = await waitForAttempts(hook.id, 1);
    expect(firstLog[0]).toMatchObject({ attempt: 1, deliveryStatus: 'succeeded' });

    const resent = await api.webhooks.redeliver.mutate({
      id: hook.id,
      deliveryId: firstLog[0]!.deliveryId,
    });
    expect(resent.deliveryId).toBe(firstLog[0]!.deliveryId);
    const log = await waitForAttempts(hook.id, 2);
    expect(log[0]).toMatchObject({
      deliveryId: firstLog[0]!.deliveryId,
      attempt: 2,
      statusCode: 200,
      deliveryStatus: 'succeeded',
    });
    // Both requests carry the delivery's id as webhook-id, and the same body.
    const sent = endpoint.received.filter(
      (r) => r.headers['webhook-id'] === firstLog[0]!.deliveryId,
    );
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).toBe(sent[0]!.body);
    expect(sent[0]!.body).toContain('RESEND-1');

    await api.webhooks.update.mutate({ id: hook.id, enabled: false });
    const disabled = await rejection(
      api.webhooks.redeliver.mutate({ id: hook.id, deliveryId: firstLog[0]!.deliveryId }),
    );
    expect(disabled.data?.code).toBe('CONFLICT');
    expect(disabled.message).toMatch(/disabled/);
  });

  it('refuses to resend a delivery still being retried, a test, or one of another webhook', async () => {
    endpoint.respond((_request, res) => res.writeHead(503).end('busy'));
    const hook = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    await api.products.create.mutate({ sku: 'RESEND-2', name: 'Kettle' });
    const [retrying] = await waitForAttempts(hook.id, 1);
    expect(retrying).toMatchObject({ deliveryStatus: 'pending', statusCode: 503 });
    expect(retrying!.nextAttemptAt).not.toBeNull();
    const pending = await rejection(
      api.webhooks.redeliver.mutate({ id: hook.id, deliveryId: retrying!.deliveryId }),
    );
    expect(pending.data?.code).toBe('CONFLICT');
    expect(pending.message).toMatch(/still being retried/);

    const { deliveryId: testId } = await api.webhooks.test.mutate({ id: hook.id });
    await waitForAttempts(hook.id, 2);
    const test = await rejection(
      api.webhooks.redeliver.mutate({ id: hook.id, deliveryId: testId }),
    );
    expect(test.data?.code).toBe('CONFLICT');
    expect(test.message).toMatch(/use Test/);

    const other = await api.webhooks.create.mutate({
      url: endpoint.url,
      events: ['product.created'],
    });
    const foreign = await rejection(
      api.webhooks.redeliver.mutate({ id: other.id, deliveryId: retrying!.deliveryId }),
    );
    expect(foreign.data?.code).toBe('NOT_FOUND');
    await api.webhooks.delete.mutate({ id: hook.id });
    await api.webhooks.delete.mutate({ id: other.id });
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
