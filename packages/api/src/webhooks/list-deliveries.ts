import type { z } from 'zod';
import { asDate, type Sql } from '@acme/db';
import { deliveryBody } from '@acme/jobs/webhooks';
import type {
  TDeliveryAttempt,
  TDeliveryEventType,
  TDeliveryStatus,
  TWebhookDelivery,
  TWebhookDeliveryDetail,
  ZWebhookDeliveriesInput,
} from '@acme/shared';
import { notFound } from '../errors.ts';

type Timestamp = Date | string;

interface DeliveryRow {
  deliveryId: string;
  eventType: string;
  status: string;
  attempts: number;
  createdAt: Timestamp;
  finishedAt: Timestamp | null;
  nextAttemptAt: Timestamp | null;
  lastStatusCode: number | null;
  lastResponseTimeMs: number | null;
  lastError: string | null;
  lastAt: Timestamp | null;
}

const optionalDate = (value: Timestamp | null): Date | null =>
  value === null ? null : asDate(value);

function toDelivery(row: DeliveryRow): TWebhookDelivery {
  const lastAttempt =
    row.lastAt === null
      ? null
      : {
          statusCode: row.lastStatusCode,
          responseTimeMs: row.lastResponseTimeMs ?? 0,
          error: row.lastError,
          at: asDate(row.lastAt),
        };
  return {
    deliveryId: row.deliveryId,
    eventType: row.eventType as TDeliveryEventType,
    status: row.status as TDeliveryStatus,
    attempts: row.attempts,
    createdAt: asDate(row.createdAt),
    finishedAt: optionalDate(row.finishedAt),
    nextAttemptAt: optionalDate(row.nextAttemptAt),
    lastAttempt,
    statusCode: lastAttempt?.statusCode ?? null,
    responseTimeMs: lastAttempt?.responseTimeMs ?? null,
    error: lastAttempt?.error ?? null,
    at: lastAttempt?.at ?? null,
  };
}

async function assertWebhookExists(sql: Sql, id: string): Promise<void> {
  const [webhook] = await sql`select 1 from webhooks where id = ${id}`;
  if (!webhook) throw notFound('Webhook', id);
}

/**
 * A webhook's deliveries, newest first, each with its latest attempt: the deliveries log. Filters
 * by status and event type; the webhook's (webhook_id, status, created_at) and
 * (webhook_id, created_at) indexes serve both orders.
 */
export async function listDeliveries(
  sql: Sql,
  { id, page, pageSize, status, eventType }: z.output<typeof ZWebhookDeliveriesInput>,
) {
  await assertWebhookExists(sql, id);
  const filter = sql`
    d.webhook_id = ${id}
    ${status ? sql`and d.status = ${status}` : sql``}
    ${eventType ? sql`and d.event_type = ${eventType}` : sql``}`;
  const [counted] = await sql<{ total: number }[]>`
    select count(*)::int as total from webhook_deliveries d where ${filter}`;
  const rows = await sql<DeliveryRow[]>`
    select d.id as "deliveryId", d.event_type as "eventType", d.status, d.attempts,
           d.created_at as "createdAt", d.finished_at as "finishedAt",
           d.next_attempt_at as "nextAttemptAt",
           a.status_code as "lastStatusCode", a.response_time_ms as "lastResponseTimeMs",
           a.error as "lastError", a.at as "lastAt"
    from webhook_deliveries d
    left join lateral (
      select status_code, response_time_ms, error, at from webhook_delivery_attempts
      where delivery_id = d.id order by id desc limit 1
    ) a on true
    where ${filter}
    order by d.created_at desc, d.id desc
    limit ${pageSize} offset ${(page - 1) * pageSize}`;
  return { items: rows.map(toDelivery), total: counted?.total ?? 0, page, pageSize };
}

interface AttemptRow {
  id: number;
  attempt: number;
  at: Timestamp;
  statusCode: number | null;
  responseTimeMs: number;
  error: string | null;
  responseExcerpt: string | null;
  requestHeaders: Record<string, string> | null;
  nextAttemptAt: Timestamp | null;
}

/** One delivery with the body it sends and every attempt, oldest first. */
export async function getDelivery(
  sql: Sql,
  { id, deliveryId }: { id: string; deliveryId: string },
): Promise<TWebhookDeliveryDetail> {
  const [row] = await sql<(DeliveryRow & { eventData: unknown; eventAt: Timestamp | null })[]>`
    select d.id as "deliveryId", d.event_type as "eventType", d.status, d.attempts,
           d.created_at as "createdAt", d.finished_at as "finishedAt",
           d.next_attempt_at as "nextAttemptAt",
           a.status_code as "lastStatusCode", a.response_time_ms as "lastResponseTimeMs",
           a.error as "lastError", a.at as "lastAt",
           e.data as "eventData", e.created_at as "eventAt"
    from webhook_deliveries d
    left join events e on e.id = d.event_id
    left join lateral (
      select status_code, response_time_ms, error, at from webhook_delivery_attempts
      where delivery_id = d.id order by id desc limit 1
    ) a on true
    where d.id = ${deliveryId} and d.webhook_id = ${id}`;
  if (!row) {
    await assertWebhookExists(sql, id);
    throw notFound('Delivery', deliveryId);
  }
  const attempts = await sql<AttemptRow[]>`
    select id::int as id, attempt, at, status_code as "statusCode",
           response_time_ms as "responseTimeMs", error, response_excerpt as "responseExcerpt",
           request_headers as "requestHeaders", next_attempt_at as "nextAttemptAt"
    from webhook_delivery_attempts where delivery_id = ${deliveryId}
    order by id`;
  return {
    delivery: toDelivery(row),
    requestBody: deliveryBody({ ...row, webhookId: id }),
    attempts: attempts.map((attempt): TDeliveryAttempt => ({
      ...attempt,
      at: asDate(attempt.at),
      nextAttemptAt: optionalDate(attempt.nextAttemptAt),
    })),
  };
}
