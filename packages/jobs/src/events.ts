import type { Sql, TransactionSql } from 'postgres';
import { asDate } from '@acme/db';
import type { TEventType } from '@acme/shared';
import { enqueueDeliveries, enqueueDeliveriesOfEvents } from './webhooks/enqueue-deliveries.ts';

export interface EmittedEvent {
  id: string;
  type: TEventType;
  createdAt: Date;
  /** Webhook deliveries queued for it. */
  deliveries: number;
}

/**
 * Records a domain event on the caller's connection and queues its webhook deliveries (a row and
 * a job per subscribed, enabled webhook). Call it inside the transaction of the change
 * (`sql.begin(tx => …)`), so the event and its deliveries exist exactly when the change committed.
 * It only inserts: the requests are made by the worker.
 * (JSON goes as text with a cast: drizzle replaces the pool's json serializers, so `sql.json` is
 * not safe on a pool drizzle also uses.)
 */
export async function emitEvent(
  sql: Sql | TransactionSql,
  type: TEventType,
  data: Record<string, unknown>,
): Promise<EmittedEvent> {
  const [row] = await sql<{ id: string; createdAt: Date | string }[]>`
    insert into events (type, data)
    values (${type}, ${JSON.stringify(data)}::jsonb)
    returning id, created_at as "createdAt"`;
  if (!row) throw new Error('insert into events returned no row');
  const deliveries = await enqueueDeliveries(sql, { id: row.id, type });
  return { id: row.id, type, createdAt: asDate(row.createdAt), deliveries };
}

/**
 * `emitEvent` for many events of one type (a bulk change, one event per product): the events and
 * their deliveries are inserted set-based, two statements whatever the count. Returns the number
 * of events recorded and of deliveries queued.
 */
export async function emitEvents(
  sql: Sql | TransactionSql,
  type: TEventType,
  data: Record<string, unknown>[],
): Promise<{ events: number; deliveries: number }> {
  if (data.length === 0) return { events: 0, deliveries: 0 };
  const rows = await sql<{ id: string }[]>`
    insert into events (type, data)
    select ${type}, value from jsonb_array_elements(${JSON.stringify(data)}::jsonb)
    returning id`;
  const deliveries = await enqueueDeliveriesOfEvents(
    sql,
    type,
    rows.map((row) => row.id),
  );
  return { events: rows.length, deliveries };
}
