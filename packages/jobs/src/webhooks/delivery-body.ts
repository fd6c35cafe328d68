import { asDate } from '@acme/db';
import { TEST_EVENT_TYPE } from '@acme/shared';

/** What a delivery's request body is made from: its row, and its event's (none for a test). */
export interface DeliveryBodySource {
  eventType: string;
  webhookId: string;
  createdAt: Date | string;
  eventData: unknown;
  eventAt: Date | string | null;
}

/**
 * The Standard Webhooks body `{ type, timestamp, data }`, the timestamp being the event's. It is
 * rebuilt from stored rows, identically on every attempt, so the log shows the body that was sent
 * without storing a copy per attempt.
 */
export function deliveryBody(source: DeliveryBodySource): string {
  if (source.eventType === TEST_EVENT_TYPE) {
    return JSON.stringify({
      type: TEST_EVENT_TYPE,
      timestamp: asDate(source.createdAt).toISOString(),
      data: {
        webhookId: source.webhookId,
        message: 'This is a test event from Acme Product Importer.',
      },
    });
  }
  return JSON.stringify({
    type: source.eventType,
    timestamp: asDate(source.eventAt ?? source.createdAt).toISOString(),
    data: source.eventData,
  });
}
