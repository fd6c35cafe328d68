import { randomUUID } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import { SLIDING_WINDOW_LUA_PRELUDE } from './sliding-window-lua.ts';

/** The outcome of one attempt against a limit. */
export interface AttemptDecision {
  allowed: boolean;
  /** When refused: milliseconds until an attempt would be allowed again; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * A sliding-window limit: at most `limit` attempts per key within any `windowMs`. A refused attempt
 * is not counted, so a caller that waits `retryAfterMs` gets through. Implementations: in memory
 * (one process) and Redis (shared by every process of a deployment). Guards sign-in; webhook
 * deliveries are paced instead (never refused) by the DeliveryPacer of @acme/jobs.
 */
export interface AttemptLimiter {
  take(key: string, limit: number, windowMs: number): Promise<AttemptDecision>;
}

/**
 * The limiter for a single process (no `REDIS_URL`): a sliding log of attempt times per key.
 * Keys whose attempts have all left their window are dropped, so memory follows active keys only.
 */
export function createMemoryAttemptLimiter(now: () => number = Date.now): AttemptLimiter {
  const attempts = new Map<string, number[]>();
  let lastSweep = now();

  const sweep = (at: number, windowMs: number) => {
    if (at - lastSweep < windowMs) return;
    lastSweep = at;
    for (const [key, times] of attempts) {
      if (times.at(-1)! <= at - windowMs) attempts.delete(key);
    }
  };

  return {
    take(key, limit, windowMs) {
      const at = now();
      sweep(at, windowMs);
      const recent = (attempts.get(key) ?? []).filter((time) => time > at - windowMs);
      if (recent.length >= limit) {
        attempts.set(key, recent);
        const oldest = recent[recent.length - limit]!;
        return Promise.resolve({ allowed: false, retryAfterMs: oldest + windowMs - at });
      }
      recent.push(at);
      attempts.set(key, recent);
      return Promise.resolve({ allowed: true, retryAfterMs: 0 });
    },
  };
}

/**
 * The same sliding window in Redis, for every process of a deployment: a sorted set of attempt
 * times per key, on Redis' clock. Returns 0 when the attempt is allowed (and counts it), else the
 * milliseconds until the oldest attempt that keeps the window full leaves it (not counted).
 */
const TAKE_LUA = `${SLIDING_WINDOW_LUA_PRELUDE}
if count >= limit then
  local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', key, now, ARGV[3])
redis.call('PEXPIRE', key, window)
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    takeRateLimit(
      key: string,
      limit: number,
      windowMs: number,
      member: string,
    ): Result<number, Context>;
  }
}

/** How long an attempt waits for a Redis connection that is not ready before counting locally. */
const READY_WAIT_MS = 1_000;

function readyWithin(redis: Redis, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready within ${ms} ms (${redis.status})`));
    }, ms);
    redis.once('ready', onReady);
  });
}

/**
 * The limiter shared by every server of a deployment (REDIS_URL set): an address limited on one
 * server is limited on all of them. While Redis does not answer, attempts are counted in this
 * process's memory instead (`fallback`), so the limit degrades to per-process, never to none.
 */
export function createRedisAttemptLimiter(options: {
  redis: Redis;
  /** The deployment's Redis prefix (REDIS_PREFIX). */
  prefix: string;
  fallback?: AttemptLimiter;
  onError?: (error: unknown) => void;
}): AttemptLimiter {
  const { redis, prefix } = options;
  const fallback = options.fallback ?? createMemoryAttemptLimiter();
  redis.defineCommand('takeRateLimit', { numberOfKeys: 1, lua: TAKE_LUA });
  return {
    async take(key, limit, windowMs) {
      try {
        // A connection still being (re)made gets a moment: a fresh server is not limited alone.
        if (redis.status !== 'ready') await readyWithin(redis, READY_WAIT_MS);
        const retryAfterMs = Number(
          await redis.takeRateLimit(`${prefix}rate:${key}`, limit, windowMs, randomUUID()),
        );
        return { allowed: retryAfterMs === 0, retryAfterMs };
      } catch (error) {
        options.onError?.(error);
        return fallback.take(key, limit, windowMs);
      }
    },
  };
}
