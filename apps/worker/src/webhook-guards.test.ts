import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import { emitEvent } from '@acme/jobs/events';
import { enqueueTestDelivery } from '@acme/jobs/webhooks';
import { startTestReceiver, type TestReceiver } from '@acme/jobs/webhooks/test-receiver';
import { createBus, createRedis, type Bus } from '@acme/realtime';
import { loadConfig, requireExternalServices } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import { webhookTestChannel } from '@acme/shared';
import { attemptsOf, eventually, insertWebhook } from './webhook-test-helpers.ts';
import { startWorker, type RunningWorker } from './worker.ts';

const logger = createLogger({ level: 'silent', name: 'test' });
let database: TestDatabase;
let config: ReturnType<typeof requireExternalServices>;
let worker: RunningWorker;
let endpoint: TestReceiver;
let bus: Bus;

beforeAll(async () => {
  database = await createTestDatabase();
  // The production default: private targets are refused.
  config = requireExternalServices(
    loadConfig({
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      DATABASE_URL: database.url,
      REDIS_PREFIX: uniqueRedisPrefix(),
      WEBHOOK_ALLOW_PRIVATE: 'false',
      WEBHOOK_RETRY_BASE_MS: '60000',
    }),
    'test',
  );
  worker = await startWorker(config, logger);
  endpoint = await startTestReceiver();
  bus = createBus({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, logger });
  await bus.ready();
});

afterAll(async () => {
  await worker?.stop();
  await endpoint?.close();
  await bus?.close();
  await database?.drop();
});

/** Resolves once Redis counts a subscriber on the channel, so nothing published is missed. */
async function untilSubscribed(channel: string): Promise<void> {
  const redis = createRedis(config.REDIS_URL, { enableOfflineQueue: true });
  try {
    await eventually(async () => {
      const answer = (await redis.call('PUBSUB', 'NUMSUB', config.REDIS_PREFIX + channel)) as [
        string,
        number,
      ];
      return Number(answer[1]) > 0;
    });
  } finally {
    redis.disconnect();
  }
}

describe('SSRF guard before every attempt', () => {
  it.each([
    ['a loopback IP', (port: string) => `http://127.0.0.1:${port}/hook`, /refused: 127\.0\.0\.1/],
    [
      'a name resolving to loopback',
      (port: string) => `http://localhost:${port}/hook`,
      /refused: localhost/,
    ],
  ])('records a refused attempt for %s and sends nothing', async (_label, urlFor, message) => {
    const port = new URL(endpoint.url).port;
    // Written directly: the API would have refused it at save; DNS may change after saving.
    const hook = await insertWebhook(database.sql, urlFor(port));
    await emitEvent(database.sql, 'product.created', { id: 1 });

    const [attempt] = await eventually(async () => {
      const rows = await attemptsOf(database.sql, hook.id);
      return rows.length > 0 && rows;
    });
    expect(attempt).toMatchObject({
      statusCode: null,
      responseExcerpt: null,
      requestHeaders: null,
    });
    expect(attempt!.error).toMatch(message);
    // Refused like any failure: retried later (the address may become public), never sent now.
    expect(attempt!.nextAttemptAt).toBeInstanceOf(Date);
    expect(endpoint.received).toHaveLength(0);
  });

  it('refuses a test to a private address, stores and publishes the refusal', async () => {
    const hook = await insertWebhook(database.sql, endpoint.url);
    const controller = new AbortController();
    const results = bus.subscribe(webhookTestChannel(hook.id), controller.signal);
    const first = results.next();
    await untilSubscribed(webhookTestChannel(hook.id));
    const deliveryId = await enqueueTestDelivery(database.sql, hook.id);

    const { value } = await first;
    controller.abort();
    expect(value).toMatchObject({ statusCode: null, deliveryId });
    expect((value as { error: string }).error).toMatch(/refused: 127\.0\.0\.1/);
    const [stored] = await database.sql<{ error: string | null }[]>`
      select last_test_error as error from webhooks where id = ${hook.id}`;
    expect(stored!.error).toMatch(/refused/);
    expect(endpoint.received).toHaveLength(0);
  });
});
