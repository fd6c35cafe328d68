import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitEvent } from '@acme/jobs/events';
import { enqueueTestDelivery } from '@acme/jobs/webhooks';
import {
  eventually,
  startTestReceiver,
  startTestWorker,
  type TestConfig,
  testLogger,
  type TestReceiver,
  type TestWorker,
  untilSubscribed,
  useTestDatabase,
} from '@acme/testing';
import { createBus, type Bus } from '@acme/realtime';
import { webhookTestChannel } from '@acme/shared';
import { attemptsOf, insertWebhook } from '../test/webhook-helpers.ts';

const database = useTestDatabase();
let config: TestConfig;
let worker: TestWorker;
let endpoint: TestReceiver;
let bus: Bus;

beforeAll(async () => {
  // The production default: private targets are refused.
  worker = await startTestWorker(database, {
    WEBHOOK_ALLOW_PRIVATE: 'false',
    WEBHOOK_RETRY_BASE_MS: '60000',
  });
  config = worker.config;
  endpoint = await startTestReceiver();
  bus = createBus({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, logger: testLogger() });
  await bus.ready();
});

afterAll(async () => {
  await worker?.stop();
  await endpoint?.close();
  await bus?.close();
});

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
    await untilSubscribed(config, webhookTestChannel(hook.id));
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
