import type { Sql } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { Logger } from '@acme/runtime/logger';
import {
  webhookDeliveriesChannel,
  ZWebhookDeliveryChange,
  type TWebhookDeliveryChange,
} from '@acme/shared';
import { notFound } from '../errors.ts';

/** How often a subscriber looks at Postgres when the bus brought nothing. */
export const DELIVERIES_POLL_MS = 3_000;

interface FollowDeps {
  sql: Sql;
  bus: Bus;
  logger: Logger;
}

/**
 * The newest delivery and attempt of the webhook, as one string that changes whenever either
 * does (undefined: the webhook is gone). Two index lookups.
 */
async function readMarker(sql: Sql, id: string): Promise<string | undefined> {
  const [row] = await sql<{ marker: string }[]>`
    select concat_ws('/',
      (select max(created_at) from webhook_deliveries where webhook_id = w.id),
      (select max(at) from webhook_delivery_attempts where webhook_id = w.id)) as marker
    from webhooks w where w.id = ${id}`;
  return row?.marker;
}

/**
 * Changes to one webhook's deliveries, for `webhooks.onDeliveryChange`: what the worker announces
 * on the bus (an attempt recorded, a retry scheduled), and, because deliveries are created inside
 * other transactions without an announcement and pub/sub loses messages, a look at Postgres every
 * DELIVERIES_POLL_MS without one (yielding `{ deliveryId: null }` when something is new). A
 * change only says "look again": the client refetches what it shows. Ends if the webhook is
 * deleted.
 */
export async function* followDeliveries(
  deps: FollowDeps,
  id: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<TWebhookDeliveryChange, void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const inbox: TWebhookDeliveryChange[] = [];
  let wake: (() => void) | undefined;

  // Subscribe before the first look at Postgres, so no change can fall between the two.
  const pump = (async () => {
    for await (const message of deps.bus.subscribe(webhookDeliveriesChannel(id), stop.signal)) {
      const parsed = ZWebhookDeliveryChange.safeParse(message);
      if (!parsed.success) {
        deps.logger.warn({ webhookId: id }, 'ignored a malformed delivery change on the bus');
        continue;
      }
      inbox.push(parsed.data);
      wake?.();
    }
  })();

  const waitForMessage = () =>
    new Promise<void>((resolve) => {
      if (inbox.length > 0 || stop.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, DELIVERIES_POLL_MS);
      wake = done;
      stop.signal.addEventListener('abort', done, { once: true });
    });

  try {
    let marker = await readMarker(deps.sql, id);
    if (marker === undefined) throw notFound('Webhook', id);
    for (;;) {
      await waitForMessage();
      if (stop.signal.aborted) return;
      const changes = inbox.splice(0);
      let next: string | undefined;
      try {
        next = await readMarker(deps.sql, id);
      } catch (error) {
        deps.logger.warn({ err: error, webhookId: id }, 'could not read deliveries; will retry');
        next = marker;
      }
      if (next === undefined) return;
      if (changes.length === 0 && next !== marker) changes.push({ deliveryId: null });
      marker = next;
      // Announcements of the same delivery that arrived together are one change.
      const seen = new Set<string | null>();
      for (const change of changes) {
        if (seen.has(change.deliveryId)) continue;
        seen.add(change.deliveryId);
        yield change;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
    // Not awaited: while Redis is down the listener only ends once Redis is back.
    pump.catch((error: unknown) => {
      deps.logger.warn({ err: error, webhookId: id }, 'delivery change listener failed');
    });
  }
}
