import { vi } from 'vitest';
import { createRedis } from '@acme/realtime';

export { TEST_REDIS_URL } from '@acme/realtime/testing';

/**
 * Resolves once Redis counts a subscriber on the bus channel (under the config's prefix), so a
 * test publishes or triggers only when the message cannot be missed.
 */
export async function untilSubscribed(
  config: { REDIS_URL: string; REDIS_PREFIX: string },
  channel: string,
): Promise<void> {
  const redis = createRedis(config.REDIS_URL, { enableOfflineQueue: true });
  try {
    await vi.waitFor(
      async () => {
        const [, subscribers] = (await redis.call(
          'PUBSUB',
          'NUMSUB',
          config.REDIS_PREFIX + channel,
        )) as [string, number];
        if (Number(subscribers) === 0) throw new Error(`nobody subscribed to ${channel}`);
      },
      { timeout: 5_000, interval: 25 },
    );
  } finally {
    redis.disconnect();
  }
}
