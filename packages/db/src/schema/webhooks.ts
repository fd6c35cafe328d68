import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { DELIVERY_STATUSES } from '@acme/shared';
import { events } from './events.ts';

export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', DELIVERY_STATUSES);

/** An endpoint that receives signed events of the types it subscribes to. */
export const webhooks = pgTable('webhooks', {
  id: uuid().primaryKey().defaultRandom(),
  url: text().notNull(),
  /** When `url` was last set: endpoint health only counts requests made to the current URL. */
  urlChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** Event types (EVENT_TYPES); `emitEvent` matches them with `type = any(events)`. */
  events: text().array().notNull(),
  enabled: boolean().notNull().default(true),
  /** `whsec_` + base64 of the key bytes. */
  secret: text().notNull(),
  /**
   * After a rotation, the secret it replaced keeps signing alongside the new one until
   * `previousSecretExpiresAt` (a day), so receivers can switch without dropping a request.
   */
  previousSecret: text(),
  previousSecretExpiresAt: timestamp({ withTimezone: true }),
  /** Set when the system disabled the webhook (410 Gone, a day of failures); cleared on enable. */
  disabledReason: text(),
  /** Start of the current unbroken run of failed delivery attempts; null after a success. */
  failingSince: timestamp({ withTimezone: true }),
  lastTestStatusCode: integer(),
  lastTestResponseTimeMs: integer(),
  lastTestError: text(),
  lastTestAt: timestamp({ withTimezone: true }),
  lastTestDeliveryId: uuid(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * One event to send to one webhook; its id is the `webhook-id` header, the same on every retry.
 * Created in the transaction of the change (see emitEvent), or by `webhooks.test`.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid().primaryKey().defaultRandom(),
    webhookId: uuid()
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    /** null for a test delivery, whose body is made when it is sent. */
    eventId: uuid().references(() => events.id, { onDelete: 'cascade' }),
    eventType: text().notNull(),
    status: webhookDeliveryStatus().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.createdAt),
    // The log filtered by status, and recovery of a webhook's failed deliveries since a time.
    index('webhook_deliveries_webhook_status_idx').on(t.webhookId, t.status, t.createdAt),
    index('webhook_deliveries_event_idx').on(t.eventId),
    // Tests have no event to be pruned with: retention finds old ones through this.
    index('webhook_deliveries_test_created_idx')
      .on(t.createdAt)
      .where(sql`${t.eventId} is null`),
  ],
);

/** Every request made (or refused before it was made) for a delivery: the deliveries log. */
export const webhookDeliveryAttempts = pgTable(
  'webhook_delivery_attempts',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: uuid()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    /** Denormalised so the log pages by webhook on one index. */
    webhookId: uuid()
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    attempt: integer().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    statusCode: integer(),
    responseTimeMs: integer().notNull(),
    error: text(),
    responseExcerpt: text(),
    /**
     * The headers sent (content type, user agent, `webhook-id`, `-timestamp`, `-signature`);
     * null when the attempt was refused before a request was made. Signatures only, never a
     * secret. The body is not stored per attempt: it is the event's, the same on every attempt.
     */
    requestHeaders: jsonb().$type<Record<string, string>>(),
    nextAttemptAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // Endpoint health: a webhook's attempts of the last 24 h.
    index('webhook_delivery_attempts_webhook_at_idx').on(t.webhookId, t.at),
    index('webhook_delivery_attempts_delivery_idx').on(t.deliveryId),
  ],
);
