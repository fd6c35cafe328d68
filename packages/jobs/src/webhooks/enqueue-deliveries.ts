import type { Sql, TransactionSql } from 'postgres';
import { TEST_EVENT_TYPE } from '@acme/shared';

export const DELIVER_WEBHOOK = 'webhook:deliver';

export interface DeliverWebhookPayload {
  deliveryId: string;
  /** Set when a rate-limit slot was already reserved for the time this job runs at. */
  slotReserved?: boolean;
}

/**
 * graphile-worker's max_attempts for a delivery job: it runs a job again only when the task itself
 * crashed (database down while recording). A failed request is not a crash: the task reschedules
 * it on the webhook schedule, up to MAX_SENDS_PER_DELIVERY sends.
 */
export const DELIVERY_JOB_MAX_RUNS = 5;
/** Tests jump the queue of waiting deliveries (lower runs first). */
export const TEST_JOB_PRIORITY = -10;

/**
 * Every job of an event delivery carries this graphile-worker key, so a delivery has at most one
 * waiting job: adding it again (Retry now) moves that job instead of queueing a second send.
 */
export const DELIVERY_JOB_KEY_PREFIX = `${DELIVER_WEBHOOK}:`;
export const deliveryJobKey = (deliveryId: string): string => DELIVERY_JOB_KEY_PREFIX + deliveryId;

/**
 * Fans an event out to every enabled webhook subscribed to its type: one delivery row and one job
 * per webhook, in one statement on the caller's connection, so they commit or roll back with the
 * change. Returns how many deliveries were queued.
 */
export function enqueueDeliveries(
  sql: Sql | TransactionSql,
  event: { id: string; type: string },
): Promise<number> {
  return enqueueDeliveriesOfEvents(sql, event.type, [event.id]);
}

/**
 * `enqueueDeliveries` for many events of one type at once: one statement fans every event out to
 * every enabled webhook subscribed to the type. Returns how many deliveries were queued.
 */
export async function enqueueDeliveriesOfEvents(
  sql: Sql | TransactionSql,
  type: string,
  eventIds: string[],
): Promise<number> {
  if (eventIds.length === 0) return 0;
  const [row] = await sql<{ queued: number }[]>`
    with deliveries as (
      insert into webhook_deliveries (webhook_id, event_id, event_type)
      select w.id, e.id, ${type}
      from webhooks w cross join unnest(${eventIds}::uuid[]) as e(id)
      where w.enabled and ${type} = any(w.events)
      returning id
    ), jobs as (
      select graphile_worker.add_job(
        identifier => ${DELIVER_WEBHOOK},
        payload => json_build_object('deliveryId', id),
        max_attempts => ${DELIVERY_JOB_MAX_RUNS},
        job_key => ${DELIVERY_JOB_KEY_PREFIX}::text || id::text
      ) from deliveries
    )
    select count(*)::int as queued from jobs`;
  return row?.queued ?? 0;
}

/** Queues a signed `webhook.test` to one webhook (enabled or not); returns the delivery id. */
export async function enqueueTestDelivery(
  sql: Sql | TransactionSql,
  webhookId: string,
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    with delivery as (
      insert into webhook_deliveries (webhook_id, event_type)
      values (${webhookId}, ${TEST_EVENT_TYPE})
      returning id
    )
    select id, graphile_worker.add_job(
      identifier => ${DELIVER_WEBHOOK},
      payload => json_build_object('deliveryId', id),
      max_attempts => 1,
      priority => ${TEST_JOB_PRIORITY}
    ) from delivery`;
  if (!row) throw new Error('insert into webhook_deliveries returned no row');
  return row.id;
}

export type RedeliveryOutcome =
  { kind: 'queued' } | { kind: 'not-found' } | { kind: 'refused'; reason: string };

/**
 * Sends an event delivery once more, now, by hand (Resend / Retry now). A finished one (failed or
 * succeeded) goes back to `pending` with a job; one waiting for its next automatic retry has that
 * retry moved to now (its job's key is reused, so it is still sent once). It stays the same
 * delivery (the same `webhook-id`, so a receiver that did get it drops the copy), its attempt
 * numbers continue, and it passes the rate limit like any other. Refused for tests (run Test
 * again), for a disabled webhook (it would not be sent), and while an attempt is on its way.
 */
export async function requeueDelivery(
  sql: Sql | TransactionSql,
  webhookId: string,
  deliveryId: string,
): Promise<RedeliveryOutcome> {
  const [row] = await sql<
    { status: string; eventType: string; enabled: boolean; attempts: number; queued: boolean }[]
  >`
    with target as (
      select d.id, d.status, d.event_type, d.attempts, w.enabled,
             coalesce(d.next_attempt_at > now(), false) as waiting
      from webhook_deliveries d join webhooks w on w.id = d.webhook_id
      where d.id = ${deliveryId} and d.webhook_id = ${webhookId}
      for update of d
    ), requeued as (
      update webhook_deliveries d
      set status = 'pending', finished_at = null, next_attempt_at = null
      from target t
      where d.id = t.id and t.event_type <> ${TEST_EVENT_TYPE} and t.enabled
        and (t.status <> 'pending' or (t.attempts > 0 and t.waiting))
      returning d.id
    ), job as (
      select graphile_worker.add_job(
        identifier => ${DELIVER_WEBHOOK},
        payload => json_build_object('deliveryId', id),
        max_attempts => ${DELIVERY_JOB_MAX_RUNS},
        job_key => ${DELIVERY_JOB_KEY_PREFIX}::text || id::text
      ) from requeued
    )
    select t.status, t.event_type as "eventType", t.enabled, t.attempts,
           exists (select 1 from job) as queued
    from target t`;
  if (!row) return { kind: 'not-found' };
  if (row.queued) return { kind: 'queued' };
  if (row.eventType === TEST_EVENT_TYPE) {
    return { kind: 'refused', reason: 'A test is not resent; use Test to send a new one' };
  }
  if (!row.enabled) {
    return { kind: 'refused', reason: 'The webhook is disabled; enable it to resend deliveries' };
  }
  if (row.attempts === 0) {
    return { kind: 'refused', reason: 'This delivery has not been tried yet; it is on its way' };
  }
  return { kind: 'refused', reason: 'This delivery is being sent right now' };
}
