import type { Task } from 'graphile-worker';
import type { Sql, TransactionSql } from 'postgres';
import { z } from 'zod';
import { TEST_EVENT_TYPE } from '@acme/shared';
import type { JobDeps } from '../deps.ts';
import { announceDeliveryChange } from './delivery-changes.ts';
import {
  DELIVER_WEBHOOK,
  DELIVERY_JOB_KEY_PREFIX,
  DELIVERY_JOB_MAX_RUNS,
} from './enqueue-deliveries.ts';

export const RECOVER_DELIVERIES = 'webhook:recover';

/** Deliveries requeued per statement: short transactions, and a backlog starts sending at once. */
const BATCH = 500;

/** Timestamps travel as PostgreSQL's own text, so microseconds survive the round trip. */
const ZRecoverPayload = z.object({ webhookId: z.uuid(), since: z.string(), until: z.string() });

export type RecoveryOutcome =
  | { kind: 'queued'; deliveries: number }
  | { kind: 'not-found' }
  | { kind: 'refused'; reason: string };

/**
 * Svix's "recover": every failed event delivery of the webhook created from `since` until now is
 * to be sent again. Counts them and queues one `webhook:recover` job that requeues them in
 * batches, oldest first; each then goes through the rate limit like any delivery, so a large
 * recovery drains at the webhook's limit instead of flooding the endpoint.
 */
export async function enqueueRecovery(
  sql: Sql | TransactionSql,
  webhookId: string,
  since: Date,
): Promise<RecoveryOutcome> {
  const [row] = await sql<{ enabled: boolean; deliveries: number; queued: boolean }[]>`
    with webhook as (
      select id, enabled, now() as until from webhooks where id = ${webhookId}
    ), matched as (
      select count(*)::int as deliveries
      from webhook_deliveries d, webhook w
      where d.webhook_id = w.id and d.status = 'failed' and d.event_type <> ${TEST_EVENT_TYPE}
        and d.created_at >= ${since.toISOString()}::timestamptz and d.created_at <= w.until
    ), job as (
      select graphile_worker.add_job(
        identifier => ${RECOVER_DELIVERIES},
        payload => json_build_object(
          'webhookId', w.id, 'since', ${since.toISOString()}::timestamptz::text,
          'until', w.until::text),
        max_attempts => 5
      )
      from webhook w, matched m where w.enabled and m.deliveries > 0
    )
    select w.enabled, m.deliveries, exists (select 1 from job) as queued
    from webhook w, matched m`;
  if (!row) return { kind: 'not-found' };
  if (!row.enabled) {
    return { kind: 'refused', reason: 'The webhook is disabled; enable it to recover deliveries' };
  }
  return { kind: 'queued', deliveries: row.deliveries };
}

/**
 * Requeues one batch after the cursor (oldest first) and returns how many went and the new
 * cursor. Stops at once when the webhook was disabled meanwhile (its deliveries would not go).
 */
async function requeueBatch(
  sql: Sql,
  payload: z.infer<typeof ZRecoverPayload>,
  cursor: { at: string; id: string } | null,
): Promise<{ requeued: number; cursor: { at: string; id: string } | null }> {
  const [row] = await sql<{ requeued: number; at: string | null; id: string | null }[]>`
    with batch as (
      select d.id, d.created_at
      from webhook_deliveries d join webhooks w on w.id = d.webhook_id and w.enabled
      where d.webhook_id = ${payload.webhookId} and d.status = 'failed'
        and d.event_type <> ${TEST_EVENT_TYPE}
        and d.created_at >= ${payload.since}::timestamptz
        and d.created_at <= ${payload.until}::timestamptz
        and (${cursor?.at ?? null}::timestamptz is null
             or (d.created_at, d.id) > (${cursor?.at ?? null}::timestamptz, ${cursor?.id ?? null}::uuid))
      order by d.created_at, d.id
      limit ${BATCH}
      for update of d skip locked
    ), requeued as (
      update webhook_deliveries d
      set status = 'pending', finished_at = null, next_attempt_at = null
      from batch b where d.id = b.id
      returning d.id, d.created_at
    ), jobs as (
      select graphile_worker.add_job(
        identifier => ${DELIVER_WEBHOOK},
        payload => json_build_object('deliveryId', r.id),
        max_attempts => ${DELIVERY_JOB_MAX_RUNS},
        job_key => ${DELIVERY_JOB_KEY_PREFIX}::text || r.id::text
      )
      from (select id from requeued order by created_at, id) r
    ), last as (
      select created_at::text as at, id from batch order by created_at desc, id desc limit 1
    )
    select (select count(*)::int from jobs) as requeued,
           (select at from last), (select id from last)`;
  const next = row?.at && row.id ? { at: row.at, id: row.id } : null;
  return { requeued: row?.requeued ?? 0, cursor: next };
}

/** `webhook:recover`: requeues the failed deliveries `enqueueRecovery` counted, in batches. */
export function recoverDeliveriesTask(deps: JobDeps): Task {
  return async (rawPayload, helpers) => {
    const payload = ZRecoverPayload.parse(rawPayload);
    let cursor: { at: string; id: string } | null = null;
    let total = 0;
    do {
      const batch = await requeueBatch(deps.sql, payload, cursor);
      total += batch.requeued;
      cursor = batch.cursor;
      if (batch.requeued > 0) await announceDeliveryChange(deps.bus, payload.webhookId, null);
    } while (cursor);
    helpers.logger.info('recovered failed deliveries', {
      webhookId: payload.webhookId,
      deliveries: total,
    });
  };
}
