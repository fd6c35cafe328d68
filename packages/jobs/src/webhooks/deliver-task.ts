import type { Task } from 'graphile-worker';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { asDate, transaction, type TransactionSql } from '@acme/db';
import { TEST_EVENT_TYPE, webhookTestChannel, type TWebhookTestResult } from '@acme/shared';
import type { JobDeps } from '../deps.ts';
import { enqueueJob } from '../enqueue.ts';
import { deliveryBody } from './delivery-body.ts';
import { announceDeliveryChange } from './delivery-changes.ts';
import {
  DELIVER_WEBHOOK,
  DELIVERY_JOB_MAX_RUNS,
  deliveryJobKey,
  type DeliverWebhookPayload,
} from './enqueue-deliveries.ts';
import type { DeliveryPacer } from './delivery-pacer.ts';
import { MAX_SENDS_PER_DELIVERY, retryDelayMs } from './retry-schedule.ts';
import { sendSignedRequest, type AttemptOutcome } from './send.ts';

/** A webhook whose every attempt has failed for this long is disabled. */
export const AUTO_DISABLE_AFTER_MS = 24 * 60 * 60 * 1000;
/** When Redis (the rate limiter) is unreachable, a delivery waits this long and tries again. */
const LIMITER_OUTAGE_RETRY_MS = 5_000;

const ZPayload = z.object({ deliveryId: z.uuid(), slotReserved: z.boolean().optional() });

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  eventType: string;
  createdAt: Date | string;
  eventData: unknown;
  eventAt: Date | string | null;
  webhookId: string;
  url: string;
  secret: string;
  /** The secret a rotation replaced, while it still signs (null once its overlap ended). */
  previousSecret: string | null;
  enabled: boolean;
}

export interface DeliverTaskDeps extends JobDeps {
  pacer: DeliveryPacer;
  dispatcher: Dispatcher;
}

async function loadDelivery(deps: JobDeps, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await deps.sql<DeliveryRow[]>`
    select d.id, d.status, d.attempts, d.event_type as "eventType", d.created_at as "createdAt",
           e.data as "eventData", e.created_at as "eventAt",
           w.id as "webhookId", w.url, w.secret, w.enabled,
           case when w.previous_secret_expires_at > now() then w.previous_secret end
             as "previousSecret"
    from webhook_deliveries d
    join webhooks w on w.id = d.webhook_id
    left join events e on e.id = d.event_id
    where d.id = ${id}`;
  return row;
}

/** Runs the delivery again later as a new job (graphile-worker's own backoff does not fit). */
async function reschedule(
  sql: TransactionSql,
  deliveryId: string,
  delayMs: number,
  slotReserved: boolean,
): Promise<Date> {
  const [row] = await sql<{ runAt: Date | string }[]>`
    update webhook_deliveries
    set next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
    where id = ${deliveryId}
    returning next_attempt_at as "runAt"`;
  const runAt = row ? asDate(row.runAt) : new Date(Date.now() + delayMs);
  const payload: DeliverWebhookPayload = slotReserved
    ? { deliveryId, slotReserved }
    : { deliveryId };
  await enqueueJob(sql, DELIVER_WEBHOOK, payload, {
    runAt,
    maxAttempts: DELIVERY_JOB_MAX_RUNS,
    jobKey: deliveryJobKey(deliveryId),
  });
  return runAt;
}

function disabledBecause(outcome: AttemptOutcome, failingSince: Date | null): string | null {
  const now = new Date();
  if (outcome.statusCode === 410) {
    return `Disabled automatically on ${now.toISOString()}: the endpoint answered 410 Gone.`;
  }
  if (failingSince && now.getTime() - failingSince.getTime() >= AUTO_DISABLE_AFTER_MS) {
    return (
      `Disabled automatically on ${now.toISOString()}: every delivery has failed since ` +
      `${failingSince.toISOString()} (last error: ${outcome.error ?? 'unknown'}).`
    );
  }
  return null;
}

/**
 * The common case in one statement (one round trip, atomic on its own): mark the delivery done,
 * log the attempt, end the webhook's failure streak. Returns false for a duplicate run.
 */
async function recordSuccess(
  deps: DeliverTaskDeps,
  delivery: DeliveryRow,
  attempt: number,
  outcome: AttemptOutcome,
): Promise<boolean> {
  const [row] = await deps.sql<{ claimed: number }[]>`
    with claimed as (
      update webhook_deliveries
      set attempts = ${attempt}, status = 'succeeded', finished_at = now(), next_attempt_at = null
      where id = ${delivery.id} and attempts = ${delivery.attempts} and status = 'pending'
      returning id, webhook_id
    ), logged as (
      insert into webhook_delivery_attempts
        (delivery_id, webhook_id, attempt, status_code, response_time_ms, error, response_excerpt,
         request_headers)
      select id, webhook_id, ${attempt}, ${outcome.statusCode}, ${outcome.responseTimeMs},
             ${outcome.error}, ${outcome.responseExcerpt}, ${headersJson(outcome)}::jsonb
      from claimed
    ), streak_ended as (
      update webhooks set failing_since = null
      where id = (select webhook_id from claimed) and failing_since is not null
    )
    select count(*)::int as claimed from claimed`;
  return (row?.claimed ?? 0) > 0;
}

/**
 * Records a failed attempt of an event delivery and decides what follows, in one transaction:
 * retry on the schedule (a new job at the computed time); or give up, disabling the
 * webhook on 410 Gone or after a day of failures. Returns false if another run of this delivery
 * recorded first (a duplicate job), in which case nothing is written.
 */
async function recordEventAttempt(
  deps: DeliverTaskDeps,
  delivery: DeliveryRow,
  outcome: AttemptOutcome,
): Promise<boolean> {
  const attempt = delivery.attempts + 1;
  if (outcome.ok) return recordSuccess(deps, delivery, attempt, outcome);
  return transaction(deps.sql, async ({ sql }) => {
    const claimed = await sql`
      update webhook_deliveries set attempts = ${attempt}
      where id = ${delivery.id} and attempts = ${delivery.attempts} and status = 'pending'
      returning id`;
    if (claimed.length === 0) return false;

    let nextAttemptAt: Date | null = null;
    const [webhook] = await sql<{ failingSince: Date | string | null }[]>`
      update webhooks set failing_since = coalesce(failing_since, now())
      where id = ${delivery.webhookId}
      returning failing_since as "failingSince"`;
    const failingSince = webhook?.failingSince ? asDate(webhook.failingSince) : null;
    const reason = disabledBecause(outcome, failingSince);
    if (reason) {
      await sql`update webhooks set enabled = false, disabled_reason = ${reason},
                updated_at = now() where id = ${delivery.webhookId}`;
    }
    if (!reason && attempt < MAX_SENDS_PER_DELIVERY) {
      const delay = retryDelayMs(attempt, deps.config.WEBHOOK_RETRY_BASE_MS);
      nextAttemptAt = await reschedule(sql, delivery.id, delay, false);
    } else {
      await sql`update webhook_deliveries set status = 'failed', finished_at = now(),
                next_attempt_at = null where id = ${delivery.id}`;
    }
    await insertAttempt(sql, delivery, attempt, outcome, nextAttemptAt);
    return true;
  });
}

/** As text with a cast: drizzle replaced the shared pool's json serializer. */
function headersJson(outcome: AttemptOutcome): string | null {
  return outcome.requestHeaders ? JSON.stringify(outcome.requestHeaders) : null;
}

async function insertAttempt(
  sql: TransactionSql,
  delivery: DeliveryRow,
  attempt: number,
  outcome: AttemptOutcome,
  nextAttemptAt: Date | null,
): Promise<Date> {
  const [row] = await sql<{ at: Date | string }[]>`
    insert into webhook_delivery_attempts
      (delivery_id, webhook_id, attempt, status_code, response_time_ms, error,
       response_excerpt, request_headers, next_attempt_at)
    values (${delivery.id}, ${delivery.webhookId}, ${attempt}, ${outcome.statusCode},
            ${outcome.responseTimeMs}, ${outcome.error}, ${outcome.responseExcerpt},
            ${headersJson(outcome)}::jsonb, ${nextAttemptAt?.toISOString() ?? null}::timestamptz)
    returning at`;
  return row ? asDate(row.at) : new Date();
}

/** A test is one attempt: stored in the log and on the webhook, then published live. */
async function recordTest(
  deps: DeliverTaskDeps,
  delivery: DeliveryRow,
  outcome: AttemptOutcome,
): Promise<void> {
  const at = await transaction(deps.sql, async ({ sql }) => {
    await sql`update webhook_deliveries
              set attempts = 1, status = ${outcome.ok ? 'succeeded' : 'failed'}, finished_at = now()
              where id = ${delivery.id}`;
    const recordedAt = await insertAttempt(sql, delivery, 1, outcome, null);
    await sql`update webhooks set
                last_test_status_code = ${outcome.statusCode},
                last_test_response_time_ms = ${outcome.responseTimeMs},
                last_test_error = ${outcome.error},
                last_test_at = ${recordedAt.toISOString()}::timestamptz,
                last_test_delivery_id = ${delivery.id}
              where id = ${delivery.webhookId}`;
    return recordedAt;
  });
  const result: TWebhookTestResult = {
    statusCode: outcome.statusCode,
    responseTimeMs: outcome.responseTimeMs,
    error: outcome.error,
    at,
    deliveryId: delivery.id,
  };
  await deps.bus.publish(webhookTestChannel(delivery.webhookId), result);
}

const announce = (deps: JobDeps, delivery: DeliveryRow) =>
  announceDeliveryChange(deps.bus, delivery.webhookId, delivery.id);

/**
 * `webhook:deliver`: sends one delivery (an event, or a test) and records the attempt.
 * Event deliveries go through the shared per-webhook rate limit first: over it, the job reserves
 * the next free slot and is rescheduled for that time, never dropped. Tests skip the limit (a
 * person is waiting for the answer) and are never retried.
 */
export function deliverWebhook(deps: DeliverTaskDeps): Task {
  return async (rawPayload, helpers) => {
    const { deliveryId, slotReserved } = ZPayload.parse(rawPayload);
    const delivery = await loadDelivery(deps, deliveryId);
    // Gone with its webhook, or already finished by a duplicate job.
    if (!delivery || delivery.status !== 'pending') return;
    const isTest = delivery.eventType === TEST_EVENT_TYPE;

    if (!isTest && !delivery.enabled) {
      await deps.sql`update webhook_deliveries set status = 'failed', finished_at = now(),
                     next_attempt_at = null where id = ${delivery.id} and status = 'pending'`;
      helpers.logger.info('delivery not sent: its webhook is disabled', {
        deliveryId: delivery.id,
      });
      await announce(deps, delivery);
      return;
    }

    if (!isTest && !slotReserved) {
      let waitMs: number;
      try {
        waitMs = await deps.pacer.reserve(delivery.webhookId);
      } catch (error) {
        helpers.logger.warn('rate limiter unavailable: the delivery waits', {
          deliveryId: delivery.id,
          err: error,
        });
        await transaction(deps.sql, ({ sql }) =>
          reschedule(sql, delivery.id, LIMITER_OUTAGE_RETRY_MS, false),
        );
        await announce(deps, delivery);
        return;
      }
      if (waitMs > 0) {
        await transaction(deps.sql, ({ sql }) => reschedule(sql, delivery.id, waitMs, true));
        await announce(deps, delivery);
        return;
      }
    }

    const outcome = await sendSignedRequest({
      url: delivery.url,
      secrets: delivery.previousSecret
        ? [delivery.secret, delivery.previousSecret]
        : [delivery.secret],
      deliveryId: delivery.id,
      body: deliveryBody(delivery),
      timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
      allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE,
      dispatcher: deps.dispatcher,
    });
    if (isTest) {
      await recordTest(deps, delivery, outcome);
    } else if (!(await recordEventAttempt(deps, delivery, outcome))) {
      helpers.logger.warn('delivery was recorded by another run; kept that record', {
        deliveryId: delivery.id,
      });
      return;
    }
    await announce(deps, delivery);
  };
}
