import type { ApiClient } from '@acme/api/client';
import { ZWebhookUrl } from '@acme/shared';
import { trpcQuery } from '../api/query.ts';
import { webhooksClient } from '../api/routers.ts';

export const WEBHOOKS_KEY = ['webhooks'] as const;

export const webhookListQuery = (client: ApiClient) =>
  trpcQuery(['webhooks', 'list'], webhooksClient(client).list, undefined);

export type DeliveriesInput = Parameters<
  ReturnType<typeof webhooksClient>['deliveries']['query']
>[0];

export const webhookDeliveriesQuery = (client: ApiClient, input: DeliveriesInput) =>
  trpcQuery(['webhooks', 'deliveries'], webhooksClient(client).deliveries, input);

export const webhookDeliveryQuery = (
  client: ApiClient,
  input: { id: string; deliveryId: string },
) => trpcQuery(['webhooks', 'delivery'], webhooksClient(client).delivery, input);

/** Every webhook's last 24 hours; refreshed now and then while the page is open. */
export const webhookHealthQuery = (client: ApiClient) =>
  trpcQuery(['webhooks', 'health'], webhooksClient(client).health, undefined);

/** The server's own rule for a webhook URL (ZWebhookUrl), so a mistake shows before a request. */
export function validateWebhookUrl(value: string): string | null {
  const result = ZWebhookUrl.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'url is not valid');
}
