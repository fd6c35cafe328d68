import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDate } from '@acme/db';
import { emitEvent } from '@acme/jobs/events';
import {
  eventually,
  startTestReceiver,
  startTestWorker,
  type TestReceiver,
  type TestWorker,
  useTestDatabase,
} from '@acme/testing';
import { insertWebhook } from '../test/webhook-helpers.ts';

const database = useTestDatabase();
let worker: TestWorker;
let endpoint: TestReceiver;

beforeAll(async () => {
  // Nothing listens on port 1: the shared rate limiter is unreachable from the start.
  worker = await startTestWorker(database, {
    REDIS_URL: 'redis://127.0.0.1:1',
    WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  endpoint = await startTestReceiver();
});

afterAll(async () => {
  await worker?.stop();
  await endpoint?.close();
});

describe('rate limiter outage', () => {
  it('keeps deliveries waiting (neither sent unlimited nor dropped) while Redis is down', async () => {
    const hook = await insertWebhook(database.sql, endpoint.url);
    const emitted = Date.now();
    await emitEvent(database.sql, 'product.created', { id: 1 });

    const delivery = await eventually(async () => {
      const [row] = await database.sql<{ status: string; attempts: number; next: string | null }[]>`
        select status, attempts, next_attempt_at as next
        from webhook_deliveries where webhook_id = ${hook.id}`;
      return row?.next ? row : undefined;
    });
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0 });
    expect(asDate(delivery.next!).getTime()).toBeGreaterThan(emitted + 3_000);
    expect(endpoint.received).toHaveLength(0);
  });
});
