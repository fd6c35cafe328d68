import type { Sql, TransactionSql } from 'postgres';
import { TEST_EVENT_TYPE } from '@acme/shared';

export const DELIVER_WEBHOOK = 'webhook:deliver';

export interface DeliverWebhookPayload {
  deliveryId: string;
  /** Set when a rate-limit slot was already reserved for the time this job runs at. */
  slotReserved?: boolean;
}

/**
 * graphile-worker retries a delivery job only when the task itself crashed (database down while
 * recording); failed requests are rescheduled by the task on the webhook schedule instead.
 */
export const DELIVERY_JOB_MAX_ATTEMPTS = 5;
/** Tests jump the queue of waiting deliveries (lower runs first). */
export const TEST_JOB_PRIORITY = -10;

/**
 * Fans an event out to every enabled webhook subscribed to its type: one delivery row and one job
 * per webhook, in one statement on the caller's connection, so they commit or roll back with the
 * change. Returns how many deliveries were queued.
 */
export async function enqueueDeliveries(
  sql: Sql | TransactionSql,
  event: { id: string; type: string },
): Promise<number> {
  const [row] = await sql<{ queued: number }[]>`
    with deliveries as (
      insert into webhook_deliveries (webhook_id, event_id, event_type)
      select id, ${event.id}, ${event.type} from webhooks
      where enabled and ${event.type} = any(events)
      returning id
    ), jobs as (
      select graphile_worker.add_job(
        identifier => ${DELIVER_WEBHOOK},
        payload => json_build_object('deliveryId', id),
        max_attempts => ${DELIVERY_JOB_MAX_ATTEMPTS}
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
 * Sends a finished event delivery once more, by hand: the same delivery (so the same
 * `webhook-id`, letting a receiver that did get it drop the copy) goes back to `pending` with a
 * job, its attempt numbers continuing. Refused while it is still pending (automatic retries are
 * on their way), for tests (run Test again), and for a disabled webhook (it would not be sent).
 */
export async function requeueDelivery(
  sql: Sql | TransactionSql,
  webhookId: string,
  deliveryId: string,
): Promise<RedeliveryOutcome> {
  const [row] = await sql<
    { status: string; eventType: string; enabled: boolean; queued: boolean }[]
  >`
    with target as (
      select d.id, d.status, d.event_type, w.enabled
      from webhook_deliveries d join webhooks w on w.id = d.webhook_id
      where d.id = ${deliveryId} and d.webhook_id = ${webhookId}
      for update of d
    ), requeued as (
      update webhook_deliveries d
      set status = 'pending', finished_at = null, next_attempt_at = null
      from target t
      where d.id = t.id and t.status <> 'pending' and t.event_type <> ${TEST_EVENT_TYPE} and t.enabled
      returning d.id
    ), job as (
      select graphile_worker.add_job(
        identifier => ${DELIVER_WEBHOOK},
        payload => json_build_object('deliveryId', id),
        max_attempts => ${DELIVERY_JOB_MAX_ATTEMPTS}
      ) from requeued
    )
    select t.status, t.event_type as "eventType", t.enabled,
           exists (select 1 from job) as queued
    from target t`;
  if (!row) return { kind: 'not-found' };
  if (row.queued) return { kind: 'queued' };
  if (row.eventType === TEST_EVENT_TYPE) {
    return { kind: 'refused', reason: 'A test is not resent; use Test to send a new one' };
  }
  if (row.status === 'pending') {
    return { kind: 'refused', reason: 'This delivery is still being retried automatically' };
  }
  return { kind: 'refused', reason: 'The webhook is disabled; enable it to resend deliveries' };
}
