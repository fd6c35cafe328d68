import { z } from 'zod';

/** Event types a webhook can subscribe to (docs/contract.md section 3). `webhook.test` is sent only by a test. */
export const EVENT_TYPES = [
  'product.created',
  'product.updated',
  'product.deleted',
  'products.deleted_all',
  'products.restored',
  'products.updated_many',
  'products.deleted_many',
  'import.completed',
  'import.failed',
  'import.reverted',
] as const;
export const ZEventType = z.enum(EVENT_TYPES);
export type TEventType = z.infer<typeof ZEventType>;

export const TEST_EVENT_TYPE = 'webhook.test';
