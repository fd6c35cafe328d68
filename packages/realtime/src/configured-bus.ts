import type { Logger } from '@acme/runtime/logger';
import { createBus, type Bus } from './bus.ts';
import { createMemoryBus } from './memory-bus.ts';

/** Redis pub/sub when a Redis URL is configured; otherwise the in-process bus (one process only). */
export function createConfiguredBus(options: {
  url: string | undefined;
  prefix: string;
  logger: Logger;
}): Bus {
  const { url, prefix, logger } = options;
  return url ? createBus({ url, prefix, logger }) : createMemoryBus();
}
