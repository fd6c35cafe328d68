import type { ApiClient } from '@acme/api/client';
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

/** Client-side checks matching the server's messages, so most mistakes show before a request. */
export function validateWebhookUrl(value: string): string | null {
  const url = URL.parse(value.trim());
  if (!value.trim()) return 'url is required';
  if (value.trim().length > 2_048) return 'url must be at most 2048 characters';
  if (!url) return 'url must be a valid URL such as https://example.com/hook';
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'url must start with http:// or https://';
  if (url.username !== '' || url.password !== '')
    return 'url must not contain a user name or password';
  return null;
}
