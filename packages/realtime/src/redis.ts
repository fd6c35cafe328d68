import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection that fails fast while Redis is unreachable instead of queueing commands:
 * callers (progress publishing, health checks) must never hang on a Redis outage. It keeps
 * reconnecting in the background, capped at 2 s between tries.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
    ...options,
  });
}

/**
 * Resolves true when Redis answers PING within the timeout. A connection still being (re)made
 * gets the same time to become ready, so a process that just started is not reported down.
 */
export async function pingRedis(redis: Redis, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ready =
      redis.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve) => redis.once('ready', (onReady = resolve)));
    const pong = ready
      .then(() => redis.ping())
      .then((answer) => answer === 'PONG')
      .catch(() => false);
    return await Promise.race([pong, timeout]);
  } finally {
    clearTimeout(timer);
    // During an outage every check would otherwise leave its 'ready' listener behind.
    if (onReady) redis.off('ready', onReady);
  }
}
