import type { ApiClient } from '@acme/api/client';
import { trpcQuery } from '../api/query.ts';
import { webhooksClient } from '../api/routers.ts';

export const WEBHOOKS_KEY = ['webhooks'] as const;

export const webhookListQuery = (client: ApiClient) =>
  trpcQuery(['webhooks', 'list'], webhooksClient(client).list, undefined);

export const webhookDeliveriesQuery = (
  client: ApiClient,
  input: { id: string; page: number; pageSize: number },
) => trpcQuery(['webhooks', 'deliveries'], webhooksClient(client).deliveries, input);

/** Client-side checks matching the server's messages, so most mistakes show before a request. */
export function validateWebhookUrl(value: string): string | null {
  const url = URL.parse(value.trim());
  if (!value.trim()) return 'url is required';
  if (!url) return 'url must be a valid URL such as https://example.com/hook';
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'url must start with http:// or https://';
  return null;
}
