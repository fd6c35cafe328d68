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
