import type { Sql } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { Logger } from '@acme/runtime/logger';
import {
  webhookDeliveriesChannel,
  ZWebhookDeliveryChange,
  type TWebhookDeliveryChange,
} from '@acme/shared';
import { openBusInbox } from '../bus-inbox.ts';
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
  // Subscribe before the first look at Postgres, so no change can fall between the two.
  const inbox = openBusInbox(deps.bus, webhookDeliveriesChannel(id), {
    parse: (message) => {
      const parsed = ZWebhookDeliveryChange.safeParse(message);
      return parsed.success ? parsed.data : undefined;
    },
    pollMs: DELIVERIES_POLL_MS,
    signal,
    onMalformed: () =>
      deps.logger.warn({ webhookId: id }, 'ignored a malformed delivery change on the bus'),
    onListenerError: (error) =>
      deps.logger.warn({ err: error, webhookId: id }, 'delivery change listener failed'),
  });

  try {
    let marker = await readMarker(deps.sql, id);
    if (marker === undefined) throw notFound('Webhook', id);
    for (;;) {
      const changes = await inbox.take();
      if (!changes) return;
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
    inbox.close();
  }
}
