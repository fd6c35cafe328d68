import type { ApiClient } from '@acme/api/client';

export type ImportsClient = ApiClient['imports'];
export type WebhooksClient = ApiClient['webhooks'];

/** One webhook as `webhooks.list` returns it. */
export type Webhook = Awaited<ReturnType<WebhooksClient['list']['query']>>[number];

export const importsClient = (client: ApiClient): ImportsClient => client.imports;
export const webhooksClient = (client: ApiClient): WebhooksClient => client.webhooks;
