import type { ApiClient } from '@acme/api/client';

export type ProductsClient = ApiClient['products'];
export type ImportsClient = ApiClient['imports'];
export type WebhooksClient = ApiClient['webhooks'];

/** One webhook as `webhooks.list` returns it. */
export type Webhook = Awaited<ReturnType<WebhooksClient['list']['query']>>[number];
/** One delivery as the deliveries log lists it; its detail as `webhooks.delivery` returns it. */
export type Delivery = Awaited<ReturnType<WebhooksClient['deliveries']['query']>>['items'][number];
export type DeliveryDetail = Awaited<ReturnType<WebhooksClient['delivery']['query']>>;
/** One endpoint's last 24 hours as `webhooks.health` returns it. */
export type WebhookHealth = Awaited<ReturnType<WebhooksClient['health']['query']>>[number];

/** One product as `products.list` returns it, and that procedure's input. */
export type Product = Awaited<ReturnType<ProductsClient['list']['query']>>['items'][number];
export type ProductList = Awaited<ReturnType<ProductsClient['list']['query']>>;
export type ProductListInput = Parameters<ProductsClient['list']['query']>[0];

export const productsClient = (client: ApiClient): ProductsClient => client.products;
export const importsClient = (client: ApiClient): ImportsClient => client.imports;
export const webhooksClient = (client: ApiClient): WebhooksClient => client.webhooks;

/** One row of an import in review as `imports.changes` lists it, and one of `imports.sample`. */
export type ImportChange = Awaited<ReturnType<ImportsClient['changes']['query']>>['items'][number];
export type ImportSampleRow = Awaited<
  ReturnType<ImportsClient['sample']['query']>
>['items'][number];
