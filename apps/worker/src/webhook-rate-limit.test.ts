import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asDate, transaction } from '@acme/db';
import { emitEvent } from '@acme/jobs/events';
import { enqueueRecovery } from '@acme/jobs/webhooks';
import {
  startTestReceiver,
  testConfig,
  testLogger,
  type TestReceiver,
  useTestDatabase,
} from '@acme/testing';
import { insertWebhook } from '../test/webhook-helpers.ts';
import { startWorker, type RunningWorker } from './worker.ts';

const LIMIT = 5;
const EVENTS = 12;
const database = useTestDatabase();
let workers: RunningWorker[] = [];
let endpoint: TestReceiver;

beforeAll(async () => {
  const config = testConfig(database, {
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    WEBHOOK_CONCURRENCY: '4',
  });
  const logger = testLogger();
  // Two workers on one database and one Redis prefix (one config), as two worker processes would run.
  workers = await Promise.all([startWorker(config, logger), startWorker(config, logger)]);
  endpoint = await startTestReceiver();
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await endpoint?.close();
});

describe('per-webhook rate limit shared by workers', () => {
  it(`sends at most ${LIMIT} a minute and reschedules the rest without dropping any`, async () => {
    const jobsStarted = workers.map(() => 0);
    workers.forEach((worker, index) =>
      worker.deliveryRunner.events.on('job:start', () => {
        jobsStarted[index]!++;
      }),
    );
    const hook = await insertWebhook(database.sql, endpoint.url);
    const started = Date.now();
    await transaction(database.sql, async ({ sql }) => {
      for (let i = 0; i < EVENTS; i++) await emitEvent(sql, 'product.created', { n: i });
    });

    await endpoint.waitFor(LIMIT);
    // Every delivery gets looked at: sent, or rescheduled to its reserved slot. Once all are, no
    // further request can be on its way before the window has passed.
    const pending = await vi.waitFor(
      async () => {
        const rows = await database.sql<{ nextAttemptAt: string }[]>`
          select next_attempt_at as "nextAttemptAt" from webhook_deliveries
          where webhook_id = ${hook.id} and status = 'pending' and next_attempt_at is not null`;
        const [sent] = await database.sql<{ n: number }[]>`
          select count(*)::int as n from webhook_deliveries
          where webhook_id = ${hook.id} and status = 'succeeded'`;
        expect({ rescheduled: rows.length, sent: sent!.n }).toEqual({
          rescheduled: EVENTS - LIMIT,
          sent: LIMIT,
        });
        return rows;
      },
      { timeout: 15_000, interval: 50 },
    );

    expect(endpoint.received).toHaveLength(LIMIT);
    expect(endpoint.received.every((r) => r.receivedAt - started < 60_000)).toBe(true);
    // Both workers took part, and the waiting deliveries are due once the window has passed.
    expect(jobsStarted.every((count) => count > 0)).toBe(true);
    for (const row of pending) {
      expect(asDate(row.nextAttemptAt).getTime()).toBeGreaterThan(started + 55_000);
    }
    const [counts] = await database.sql<{ succeeded: number; failed: number }[]>`
      select count(*) filter (where status = 'succeeded')::int as succeeded,
             count(*) filter (where status = 'failed')::int as failed
      from webhook_deliveries where webhook_id = ${hook.id}`;
    expect(counts).toEqual({ succeeded: LIMIT, failed: 0 });
    // Each waiting delivery has its job, due at its slot.
    const [waiting] = await database.sql<{ waitingJobs: number }[]>`
      select count(*)::int as "waitingJobs" from graphile_worker.jobs
      where task_identifier = 'webhook:deliver' and run_at > now() + interval '50 seconds'`;
    expect(waiting!.waitingJobs).toBe(EVENTS - LIMIT);
  });

  it('recovers failed deliveries at the same limit', async () => {
    const hook = await insertWebhook(database.sql, `${endpoint.url}/recover`);
    const failed = LIMIT + 3;
    // Deliveries that gave up an hour ago (all their attempts failed).
    await database.sql`
      with event as (
        insert into events (type, data, created_at)
        select 'product.created', json_build_object('n', n)::jsonb, now() - interval '1 hour'
        from generate_series(1, ${failed}) n
        returning id
      )
      insert into webhook_deliveries (webhook_id, event_id, event_type, status, attempts, created_at)
      select ${hook.id}, id, 'product.created', 'failed', 9, now() - interval '1 hour' from event`;
    const started = Date.now();
    const outcome = await enqueueRecovery(database.sql, hook.id, new Date(started - 2 * 3_600_000));
    expect(outcome).toEqual({ kind: 'queued', deliveries: failed });

    const recovered = () => endpoint.received.filter((r) => r.path === '/hook/recover');
    await expect.poll(() => recovered().length, { timeout: 20_000 }).toBe(LIMIT);
    // The rest wait for the next window, each at its reserved slot.
    const waiting = await vi.waitFor(
      async () => {
        const rows = await database.sql<{ nextAttemptAt: string }[]>`
          select next_attempt_at as "nextAttemptAt" from webhook_deliveries
          where webhook_id = ${hook.id} and status = 'pending' and next_attempt_at is not null`;
        expect(rows).toHaveLength(failed - LIMIT);
        return rows;
      },
      { timeout: 15_000, interval: 50 },
    );
    for (const row of waiting) {
      expect(asDate(row.nextAttemptAt).getTime()).toBeGreaterThan(started + 55_000);
    }
    expect(recovered()).toHaveLength(LIMIT);
  });
});
