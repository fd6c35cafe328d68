import { z } from 'zod';
import { hasNoNul, nulMessage, zList } from './bounded.ts';
import { EVENT_TYPES, TEST_EVENT_TYPE, ZEventType } from './events.ts';
import { zPaged } from './paged.ts';

export const ZWebhookId = z.uuid({ error: 'id must be a webhook id (UUID)' });

/** http or https only, with a host; credentials in the URL are refused (they would leak in logs). */
export const ZWebhookUrl = z
  .string({ error: 'url must be text' })
  .trim()
  .min(1, 'url is required')
  .max(2_048, 'url must be at most 2048 characters')
  .refine(hasNoNul, nulMessage('url'))
  .refine(
    (value) => URL.canParse(value),
    'url must be a valid URL such as https://example.com/hook',
  )
  .refine((value) => {
    const url = URL.parse(value);
    return !url || url.protocol === 'http:' || url.protocol === 'https:';
  }, 'url must start with http:// or https://')
  .refine((value) => {
    const url = URL.parse(value);
    return !url || (url.username === '' && url.password === '');
  }, 'url must not contain a user name or password');

/** Repeats are dropped; the maximum only bounds what a caller can make the server look at. */
export const WEBHOOK_EVENTS_MAX = 50;

export const ZWebhookEvents = zList(
  'events',
  z.enum(EVENT_TYPES, { error: `events may only hold: ${EVENT_TYPES.join(', ')}` }),
  WEBHOOK_EVENTS_MAX,
)
  .min(1, `events must name at least one of: ${EVENT_TYPES.join(', ')}`)
  .transform((events) => [...new Set(events)]);

/** Every type a delivery can carry: the subscribable ones plus the test event. */
export const ZDeliveryEventType = z.union([ZEventType, z.literal(TEST_EVENT_TYPE)]);
export type TDeliveryEventType = z.infer<typeof ZDeliveryEventType>;

/** The outcome of one request to an endpoint (a test or a delivery attempt). */
export const ZWebhookTestResult = z.object({
  /** null when no answer came (refused address, timeout, connection error). */
  statusCode: z.number().int().nullable(),
  responseTimeMs: z.number().int(),
  error: z.string().nullable(),
  at: z.coerce.date(),
  /** The `webhook-id` of the test delivery, as returned by `webhooks.test`. */
  deliveryId: z.string().nullable(),
});
export type TWebhookTestResult = z.infer<typeof ZWebhookTestResult>;

export const ZWebhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(ZEventType),
  enabled: z.boolean(),
  /**
   * Masked (`whsec_…abcd`) except in the answer to `create`, `rotateSecret` and `update` with
   * regenerateSecret.
   */
  secret: z.string(),
  /** After `rotateSecret`: the replaced secret (masked), which signs too until it expires. */
  previousSecret: z.string().nullable(),
  previousSecretExpiresAt: z.date().nullable(),
  lastTest: ZWebhookTestResult.nullable(),
  /** Why the webhook stopped, when the system disabled it (410 Gone, a day of failures). */
  disabledReason: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TWebhook = z.infer<typeof ZWebhook>;

export const ZWebhookCreateInput = z.object({
  url: ZWebhookUrl,
  events: ZWebhookEvents,
  enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
});
export type TWebhookCreateInput = z.input<typeof ZWebhookCreateInput>;

/**
 * `{ id, ...patch }`: only the fields present change. `regenerateSecret: true` replaces the secret
 * at once, with no overlap (a leaked secret); `rotateSecret` overlaps old and new for a day.
 */
export const ZWebhookUpdateInput = z.object({
  id: ZWebhookId,
  url: ZWebhookUrl.optional(),
  events: ZWebhookEvents.optional(),
  enabled: z.boolean({ error: 'enabled must be true or false' }).optional(),
  regenerateSecret: z.literal(true, { error: 'regenerateSecret may only be true' }).optional(),
});
export type TWebhookUpdateInput = z.input<typeof ZWebhookUpdateInput>;

export const ZWebhookById = z.object({ id: ZWebhookId });

export const ZWebhookTestOutput = z.object({ queued: z.literal(true), deliveryId: z.string() });

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const ZDeliveryStatus = z.enum(DELIVERY_STATUSES, {
  error: `status must be one of: ${DELIVERY_STATUSES.join(', ')}`,
});
export type TDeliveryStatus = z.infer<typeof ZDeliveryStatus>;

export const ZDeliveryId = z.uuid({ error: 'deliveryId must be a delivery id (UUID)' });

/** The outcome of one attempt, without the request (what the log's list shows per delivery). */
export const ZAttemptResult = ZWebhookTestResult.omit({ deliveryId: true });

/** One event sent (or to be sent) to one webhook, with all of its attempts summed up. */
export const ZWebhookDelivery = z.object({
  /** The `webhook-id` header: the same on every attempt. */
  deliveryId: z.string(),
  eventType: ZDeliveryEventType,
  /** `pending` while an attempt is due (the first, a retry, or a resend), else final. */
  status: ZDeliveryStatus,
  /** How many attempts were made so far. */
  attempts: z.number().int(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
  /** When the next attempt runs, if one is scheduled (a retry, or a wait for the rate limit). */
  nextAttemptAt: z.date().nullable(),
  lastAttempt: ZAttemptResult.nullable(),
  /**
   * The latest attempt's outcome again, at the top level: each item is also a delivery attempt
   * `{ statusCode, responseTimeMs, error, at }` as docs/contract.md section 4 shapes one (the log
   * listed attempts before it listed deliveries). All null before the first attempt.
   */
  statusCode: z.number().int().nullable(),
  responseTimeMs: z.number().int().nullable(),
  error: z.string().nullable(),
  at: z.date().nullable(),
});
export type TWebhookDelivery = z.infer<typeof ZWebhookDelivery>;

/** One request made for a delivery (or refused before it was made), as the log shows it. */
export const ZDeliveryAttempt = ZAttemptResult.extend({
  id: z.number().int(),
  /** 1 for the first try, 2 for the first retry, … */
  attempt: z.number().int(),
  /** The headers sent (the signatures, never the secret); null when no request was made. */
  requestHeaders: z.record(z.string(), z.string()).nullable(),
  /** Up to 1 KB of the response body. */
  responseExcerpt: z.string().nullable(),
  /** When the next retry was scheduled for, if this attempt failed and one was. */
  nextAttemptAt: z.date().nullable(),
});
export type TDeliveryAttempt = z.infer<typeof ZDeliveryAttempt>;

export const DELIVERIES_PAGE_SIZE_MAX = 200;
const PAGE_MAX = 1_000_000;

/** `webhooks.deliveries`: a webhook's deliveries, newest first, optionally of one status or type. */
export const ZWebhookDeliveriesInput = z.object({
  id: ZWebhookId,
  page: z
    .number()
    .int()
    .min(1, 'page must be 1 or more')
    .max(PAGE_MAX, `page must be at most ${PAGE_MAX}`)
    .default(1),
  pageSize: z
    .number()
    .int()
    .min(1, 'pageSize must be 1 or more')
    .max(DELIVERIES_PAGE_SIZE_MAX, `pageSize must be at most ${DELIVERIES_PAGE_SIZE_MAX}`)
    .default(25),
  status: ZDeliveryStatus.optional(),
  eventType: z
    .union([ZEventType, z.literal(TEST_EVENT_TYPE)], {
      error: `eventType must be one of: ${[...EVENT_TYPES, TEST_EVENT_TYPE].join(', ')}`,
    })
    .optional(),
});
export type TWebhookDeliveriesInput = z.input<typeof ZWebhookDeliveriesInput>;

export const ZWebhookDeliveriesOutput = zPaged(ZWebhookDelivery);

/** `webhooks.delivery`: one delivery, the body it sends, and every attempt, oldest first. */
export const ZWebhookDeliveryInput = z.object({ id: ZWebhookId, deliveryId: ZDeliveryId });
export const ZWebhookDeliveryDetail = z.object({
  delivery: ZWebhookDelivery,
  /** The request body, exactly as sent (the same on every attempt). */
  requestBody: z.string(),
  attempts: z.array(ZDeliveryAttempt),
});
export type TWebhookDeliveryDetail = z.infer<typeof ZWebhookDeliveryDetail>;

/**
 * `webhooks.redeliver`: send one event delivery of this webhook now: a finished one again
 * (Resend), or one waiting for its next automatic retry at once (Retry now).
 */
export const ZWebhookRedeliverInput = z.object({ id: ZWebhookId, deliveryId: ZDeliveryId });
export const ZWebhookRedeliverOutput = z.object({ deliveryId: z.string() });

/** `webhooks.recover`: re-send every failed delivery of the webhook created since a time. */
export const ZWebhookRecoverInput = z.object({
  id: ZWebhookId,
  since: z
    .date({ error: 'since must be a date' })
    .refine((since) => since.getTime() <= Date.now() + 60_000, 'since must not be in the future'),
});
export const ZWebhookRecoverOutput = z.object({
  /** How many failed deliveries will be sent again (at the webhook's rate limit). */
  deliveries: z.number().int(),
});

/** `webhooks.health`: how each webhook's endpoint did over the last 24 hours. */
export const ZWebhookHealth = z.object({
  webhookId: z.string(),
  /** Requests made (event deliveries and tests), answered or not. */
  attempts: z.number().int(),
  succeeded: z.number().int(),
  /** succeeded / attempts, 0–1; null without attempts. */
  successRate: z.number().nullable(),
  /** Median and 95th percentile response time of the answered requests; null without one. */
  p50Ms: z.number().int().nullable(),
  p95Ms: z.number().int().nullable(),
});
export type TWebhookHealth = z.infer<typeof ZWebhookHealth>;
export const HEALTH_WINDOW_HOURS = 24;

/** A message on a webhook's deliveries channel: this delivery changed (null: look again). */
export const ZWebhookDeliveryChange = z.object({ deliveryId: z.string().nullable() });
export type TWebhookDeliveryChange = z.infer<typeof ZWebhookDeliveryChange>;

/** The bus channel on which the worker announces changes to a webhook's deliveries. */
export const webhookDeliveriesChannel = (id: string): string => `webhook-deliveries:${id}`;

/** The bus channel carrying a webhook's test results. */
export const webhookTestChannel = (id: string): string => `webhook-test:${id}`;
