import { z } from 'zod';
import { EVENT_TYPES, TEST_EVENT_TYPE, ZEventType } from './events.ts';

export const ZWebhookId = z.uuid({ error: 'id must be a webhook id (UUID)' });

/** http or https only, with a host; credentials in the URL are refused (they would leak in logs). */
export const ZWebhookUrl = z
  .string({ error: 'url must be text' })
  .trim()
  .min(1, 'url is required')
  .max(2_048, 'url must be at most 2048 characters')
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

export const ZWebhookEvents = z
  .array(z.enum(EVENT_TYPES, { error: `events may only hold: ${EVENT_TYPES.join(', ')}` }), {
    error: 'events must be a list of event types',
  })
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
  /** Masked (`whsec_…abcd`) except in the answer to `create` and to `update` with regenerateSecret. */
  secret: z.string(),
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

/** `{ id, ...patch }`: only the fields present change; `regenerateSecret: true` issues a new secret. */
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
export const ZDeliveryStatus = z.enum(DELIVERY_STATUSES);

/** One attempt to deliver one event to one webhook, as the deliveries log shows it. */
export const ZDeliveryAttempt = ZWebhookTestResult.extend({
  id: z.number().int(),
  /** The `webhook-id` header: the same on every attempt of one delivery. */
  deliveryId: z.string(),
  eventType: ZDeliveryEventType,
  /** 1 for the first try, 2 for the first retry, … */
  attempt: z.number().int(),
  /** Up to 1 KB of the response body. */
  responseExcerpt: z.string().nullable(),
  /** When the next retry runs, if this attempt failed and one is scheduled. */
  nextAttemptAt: z.date().nullable(),
  /** Where the delivery stands now: `pending` while retries are due, else final. */
  deliveryStatus: ZDeliveryStatus,
});
export type TDeliveryAttempt = z.infer<typeof ZDeliveryAttempt>;

export const DELIVERIES_PAGE_SIZE_MAX = 200;

export const ZWebhookDeliveriesInput = z.object({
  id: ZWebhookId,
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(DELIVERIES_PAGE_SIZE_MAX).default(25),
});

/** `webhooks.redeliver`: send one finished event delivery of this webhook again. */
export const ZWebhookRedeliverInput = z.object({ id: ZWebhookId, deliveryId: z.uuid() });
export const ZWebhookRedeliverOutput = z.object({ deliveryId: z.string() });

export const ZWebhookDeliveriesOutput = z.object({
  items: z.array(ZDeliveryAttempt),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

/** The bus channel carrying a webhook's test results. */
export const webhookTestChannel = (id: string): string => `webhook-test:${id}`;
