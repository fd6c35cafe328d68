import type { z } from 'zod';
import { asDate, type Sql } from '@acme/db';
import type { TDeliveryAttempt, TDeliveryEventType, ZWebhookDeliveriesInput } from '@acme/shared';
import { notFound } from '../errors.ts';

/** A webhook's attempts, newest first, for the deliveries log. */
export async function listDeliveryAttempts(
  sql: Sql,
  { id, page, pageSize }: z.output<typeof ZWebhookDeliveriesInput>,
) {
  const [webhook] = await sql<{ total: number }[]>`
    select (select count(*) from webhook_delivery_attempts where webhook_id = w.id)::int as total
    from webhooks w where w.id = ${id}`;
  if (!webhook) throw notFound('Webhook', id);
  type Row = Omit<TDeliveryAttempt, 'eventType' | 'at' | 'nextAttemptAt' | 'deliveryStatus'> & {
    eventType: string;
    deliveryStatus: string;
    at: Date | string;
    nextAttemptAt: Date | string | null;
  };
  const rows = await sql<Row[]>`
    select a.id::int as id, a.delivery_id as "deliveryId", d.event_type as "eventType",
           a.attempt, a.status_code as "statusCode", a.response_time_ms as "responseTimeMs",
           a.error, a.at, a.response_excerpt as "responseExcerpt",
           a.next_attempt_at as "nextAttemptAt", d.status as "deliveryStatus"
    from webhook_delivery_attempts a
    join webhook_deliveries d on d.id = a.delivery_id
    where a.webhook_id = ${id}
    order by a.id desc
    limit ${pageSize} offset ${(page - 1) * pageSize}`;
  const items: TDeliveryAttempt[] = rows.map((row) => ({
    ...row,
    eventType: row.eventType as TDeliveryEventType,
    deliveryStatus: row.deliveryStatus as TDeliveryAttempt['deliveryStatus'],
    at: asDate(row.at),
    nextAttemptAt: row.nextAttemptAt === null ? null : asDate(row.nextAttemptAt),
  }));
  return { items, total: webhook.total, page, pageSize };
}
