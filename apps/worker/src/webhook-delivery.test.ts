import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transaction } from '@acme/db';
import { emitEvent } from '@acme/jobs/events';
import { deliveryJobKey, generateSecret } from '@acme/jobs/webhooks';
import {
  eventually,
  type ReceivedRequest,
  startTestReceiver,
  startTestWorker,
  type TestReceiver,
  type TestWorker,
  useTestDatabase,
} from '@acme/testing';
import { attemptsOf, insertWebhook } from '../test/webhook-helpers.ts';

const TIMEOUT_MS = 400;
const database = useTestDatabase();
let worker: TestWorker;
const receivers: TestReceiver[] = [];

async function receiver(): Promise<TestReceiver> {
  const started = await startTestReceiver();
  receivers.push(started);
  return started;
}

beforeAll(async () => {
  worker = await startTestWorker(database, {
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    WEBHOOK_RETRY_BASE_MS: '100',
    WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
  });
});

afterAll(async () => {
  await worker?.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

/** A product change and its event, in one transaction, as the products router does it. */
async function createProduct(sku: string) {
  return transaction(database.sql, async ({ sql }) => {
    const [product] = await sql<{ id: number; sku: string }[]>`
      insert into products (sku, name) values (${sku}, 'Kettle') returning id::int, sku`;
    await emitEvent(sql, 'product.created', { ...product });
    return product!;
  });
}

const webhookOf = (id: string) =>
  database.sql<{ enabled: boolean; disabledReason: string | null; failingSince: Date | null }[]>`
    select enabled, disabled_reason as "disabledReason", failing_since as "failingSince"
    from webhooks where id = ${id}`.then((rows) => rows[0]!);

/** A webhook's deliveries, each with how many graphile-worker jobs are still queued to send it. */
async function deliveriesOf(webhookId: string) {
  const rows = await database.sql<{ id: string; status: string; nextAttemptAt: Date | null }[]>`
    select id, status, next_attempt_at as "nextAttemptAt" from webhook_deliveries
    where webhook_id = ${webhookId} order by created_at`;
  const keys = rows.map((row) => deliveryJobKey(row.id));
  const queued = keys.length
    ? await database.sql<{ key: string }[]>`
        select key from graphile_worker.jobs where key in ${database.sql(keys)}`
    : [];
  return rows.map(({ id, ...row }) => ({
    ...row,
    jobs: queued.filter((job) => job.key === deliveryJobKey(id)).length,
  }));
}

describe('webhook delivery', () => {
  it('posts the event as JSON, signed so that a Standard Webhooks verifier accepts it', async () => {
    const endpoint = await receiver();
    const hook = await insertWebhook(database.sql, endpoint.url);
    const product = await createProduct('SIGNED-1');

    const [request] = await endpoint.waitFor(1);
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    const payload = new Webhook(hook.secret).verify(request!.body, {
      'webhook-id': String(request!.headers['webhook-id']),
      'webhook-timestamp': String(request!.headers['webhook-timestamp']),
      'webhook-signature': String(request!.headers['webhook-signature']),
    });
    expect(payload).toEqual({
      type: 'product.created',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      data: { id: product.id, sku: 'SIGNED-1' },
    });
    expect(
      Math.abs(Number(request!.headers['webhook-timestamp']) - Date.now() / 1000),
    ).toBeLessThan(30);

    const [attempt] = await eventually(async () => {
      const rows = await attemptsOf(database.sql, hook.id);
      return rows.length > 0 && rows;
    });
    expect(attempt).toMatchObject({ attempt: 1, statusCode: 204, error: null });
  });

  it('retries a failed delivery with the same webhook-id and a fresh valid signature', async () => {
    const endpoint = await receiver();
    let calls = 0;
    endpoint.respond((_request, res) => {
      calls++;
      if (calls <= 2) res.writeHead(500).end('temporarily broken');
      else res.writeHead(200).end('ok');
    });
    const hook = await insertWebhook(database.sql, endpoint.url);
    await createProduct('RETRY-1');

    const requests = await endpoint.waitFor(3);
    const ids = new Set(requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const request of requests) {
      expect(() =>
        new Webhook(hook.secret).verify(request.body, {
          'webhook-id': String(request.headers['webhook-id']),
          'webhook-timestamp': String(request.headers['webhook-timestamp']),
          'webhook-signature': String(request.headers['webhook-signature']),
        }),
      ).not.toThrow();
    }
    const attempts = await eventually(async () => {
      const rows = await attemptsOf(database.sql, hook.id);
      return rows.length === 3 && rows;
    });
    expect(attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(attempts[0]).toMatchObject({ error: 'the endpoint answered 500' });
    expect(attempts[0]!.responseExcerpt).toBe('temporarily broken');
    expect(attempts[0]!.nextAttemptAt).toBeInstanceOf(Date);
    expect(attempts[2]!.nextAttemptAt).toBeNull();
    // A success ends the failure streak.
    expect((await webhookOf(hook.id)).failingSince).toBeNull();
  });

  it('disables the webhook on 410 Gone, without retrying', async () => {
    const endpoint = await receiver();
    endpoint.respond((_request, res) => res.writeHead(410).end());
    const hook = await insertWebhook(database.sql, endpoint.url);
    await createProduct('GONE-1');

    const webhook = await eventually(async () => {
      const row = await webhookOf(hook.id);
      return !row.enabled && row;
    });
    expect(webhook.disabledReason).toMatch(/410 Gone/);
    // Later events are not even queued for it, and the failed one is not retried: it is failed
    // for good, with no job left to send it again.
    await createProduct('GONE-2');
    await expect
      .poll(() => deliveriesOf(hook.id))
      .toEqual([{ status: 'failed', nextAttemptAt: null, jobs: 0 }]);
    expect(endpoint.received).toHaveLength(1);
    const [counts] = await database.sql<{ count: number }[]>`
      select count(*)::int as count from webhook_deliveries where webhook_id = ${hook.id}`;
    expect(counts!.count).toBe(1);
  });

  it('counts a redirect as a failure and does not follow it', async () => {
    const endpoint = await receiver();
    endpoint.respond((request, res) => {
      if (request.path === '/hook') res.writeHead(302, { location: '/elsewhere' }).end();
      else res.writeHead(204).end();
    });
    const hook = await insertWebhook(database.sql, endpoint.url);
    await createProduct('REDIRECT-1');

    const [attempt] = await eventually(async () => {
      const rows = await attemptsOf(database.sql, hook.id);
      return rows.length > 0 && rows;
    });
    expect(attempt).toMatchObject({ statusCode: 302 });
    expect(attempt!.error).toMatch(/redirect \(302 to \/elsewhere\) not followed/);
    expect(attempt!.nextAttemptAt).toBeInstanceOf(Date);
    expect(endpoint.received.every((r) => r.path === '/hook')).toBe(true);
  });

  it('fails an attempt that takes longer than WEBHOOK_TIMEOUT_MS', async () => {
    const endpoint = await receiver();
    endpoint.respond((_request, res) => {
      setTimeout(() => res.writeHead(200).end(), TIMEOUT_MS * 3).unref();
    });
    const hook = await insertWebhook(database.sql, endpoint.url);
    await createProduct('SLOW-1');

    const [attempt] = await eventually(async () => {
      const rows = await attemptsOf(database.sql, hook.id);
      return rows.length > 0 && rows;
    });
    expect(attempt).toMatchObject({
      statusCode: null,
      error: `timed out after ${TIMEOUT_MS} ms`,
    });
  });

  it('fails an attempt whose answer starts but does not finish in time, keeping the status', async () => {
    const endpoint = await receiver();
    endpoint.respond((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const hook = await insertWebhook(database.sql, endpoint.url);
    await createProduct('STALLED-1');

    const [attempt] = await eventually(async () => {
      const rows = await attemptsOf(database.sql, hook.id);
      return rows.length > 0 && rows;
    });
    expect(attempt).toMatchObject({ statusCode: 200 });
    expect(attempt!.error).toBe(
      `answered 200, then reading the body failed: timed out after ${TIMEOUT_MS} ms`,
    );
    expect(attempt!.nextAttemptAt).toBeInstanceOf(Date);
  });

  it('sends nothing and queues no job for a product change that rolled back', async () => {
    const endpoint = await receiver();
    const hook = await insertWebhook(database.sql, endpoint.url);

    await expect(
      transaction(database.sql, async ({ sql }) => {
        await sql`insert into products (sku, name) values ('ROLLBACK-1', 'Kettle')`;
        await emitEvent(sql, 'product.created', { sku: 'ROLLBACK-1' });
        throw new Error('the change fails after its event');
      }),
    ).rejects.toThrow('the change fails after its event');

    const [deliveries] = await database.sql<{ count: number }[]>`
      select count(*)::int as count from webhook_deliveries where webhook_id = ${hook.id}`;
    expect(deliveries!.count).toBe(0);
    // No delivery job at all points at a delivery that does not exist.
    const [orphans] = await database.sql<{ count: number }[]>`
      select count(*)::int as count
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'webhook:deliver'
        and not exists (
          select 1 from webhook_deliveries d where d.id = (j.payload->>'deliveryId')::uuid)`;
    expect(orphans!.count).toBe(0);
    // The next change that commits is the first and only request the endpoint gets.
    await createProduct('ROLLBACK-2');
    await endpoint.waitFor(1);
    const skus = endpoint.received.map(
      (r) => (JSON.parse(r.body) as { data: { sku: string } }).data.sku,
    );
    expect(skus).toEqual(['ROLLBACK-2']);
  });

  it('only sends the types a webhook subscribes to', async () => {
    const endpoint = await receiver();
    const hook = await insertWebhook(database.sql, endpoint.url, ['product.deleted']);
    await createProduct('OTHER-TYPE-1');
    await emitEvent(database.sql, 'product.deleted', { id: 1 });
    const [request] = await endpoint.waitFor(1);
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'product.deleted', data: { id: 1 } });
    // The other type got no delivery at all (deliveries are made with the event, in its transaction).
    await expect
      .poll(() => deliveriesOf(hook.id))
      .toEqual([{ status: 'succeeded', nextAttemptAt: null, jobs: 0 }]);
    expect(endpoint.received).toHaveLength(1);
  });

  it('disables a webhook whose deliveries have failed for a day straight', async () => {
    const endpoint = await receiver();
    endpoint.respond((_request, res) => res.writeHead(503).end());
    const hook = await insertWebhook(database.sql, endpoint.url);
    await database.sql`
      update webhooks set failing_since = now() - interval '25 hours' where id = ${hook.id}`;
    await createProduct('DAY-1');

    const webhook = await eventually(async () => {
      const row = await webhookOf(hook.id);
      return !row.enabled && row;
    });
    expect(webhook.disabledReason).toMatch(/every delivery has failed since .*503/);
    const attempts = await attemptsOf(database.sql, hook.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.nextAttemptAt).toBeNull();
  });

  it('signs with both secrets while a rotation overlaps, then with the new one only', async () => {
    const endpoint = await receiver();
    const hook = await insertWebhook(database.sql, endpoint.url);
    const previous = hook.secret;
    const current = generateSecret();
    await database.sql`
      update webhooks set secret = ${current}, previous_secret = ${previous},
        previous_secret_expires_at = now() + interval '1 hour'
      where id = ${hook.id}`;
    await createProduct('OVERLAP-1');
    const [during] = await endpoint.waitFor(1);
    const headersOf = (request: ReceivedRequest) => ({
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    expect(headersOf(during!)['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(() => new Webhook(secret).verify(during!.body, headersOf(during!))).not.toThrow();
    }

    // The overlap is over: the old secret no longer signs.
    await database.sql`
      update webhooks set previous_secret_expires_at = now() - interval '1 second'
      where id = ${hook.id}`;
    await createProduct('OVERLAP-2');
    const [, after] = await endpoint.waitFor(2);
    expect(headersOf(after!)['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(current).verify(after!.body, headersOf(after!))).not.toThrow();
    expect(() => new Webhook(previous).verify(after!.body, headersOf(after!))).toThrow();
  });

  it('logs the headers each attempt sent', async () => {
    const endpoint = await receiver();
    const hook = await insertWebhook(database.sql, endpoint.url);
    await createProduct('HEADERS-1');
    const [request] = await endpoint.waitFor(1);
    const [logged] = await eventually(async () => {
      const rows = await attemptsOf(database.sql, hook.id);
      return rows.length > 0 && rows;
    });
    expect(logged!.requestHeaders).toEqual({
      'content-type': 'application/json',
      'user-agent': 'Acme-Product-Importer-Webhooks/1.0',
      'webhook-id': request!.headers['webhook-id'],
      'webhook-timestamp': request!.headers['webhook-timestamp'],
      'webhook-signature': request!.headers['webhook-signature'],
    });
    expect(JSON.stringify(logged)).not.toContain(hook.secret.slice('whsec_'.length));
  });
});
