import type { Bus } from '@acme/realtime';
import { webhookDeliveriesChannel, type TWebhookDeliveryChange } from '@acme/shared';

/**
 * Tells open delivery logs of a webhook that one of its deliveries changed (`null`: several, or
 * unknown which). Fire and forget: the log also reads PostgreSQL, so a lost message only delays.
 */
export async function announceDeliveryChange(
  bus: Bus,
  webhookId: string,
  deliveryId: string | null,
): Promise<void> {
  const change: TWebhookDeliveryChange = { deliveryId };
  await bus.publish(webhookDeliveriesChannel(webhookId), change);
}
