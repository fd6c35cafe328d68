import { randomUUID } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import { SLIDING_WINDOW_LUA_PRELUDE } from '@acme/realtime';

/**
 * Reserves the earliest send time for one request to a key such that no window of `windowMs`
 * holds more than `limit` requests, and returns how many ms from now that time is (0 = now).
 *
 * The log is a sorted set of send times (Redis server time, so all workers share one clock).
 * Times are handed out in non-decreasing order: a new one is the latest of now, the last time
 * given, and the `limit`-th latest time + window. So every window ending at a handed-out time
 * holds at most `limit` entries. A caller told to wait keeps its reservation: it sends at that
 * time without asking again, so a backlog drains at exactly the limit instead of every waiting
 * delivery waking at once to race for the next free slot.
 */
const RESERVE_SLOT_LUA = `${SLIDING_WINDOW_LUA_PRELUDE}
local at = now
if count > 0 then
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  at = math.max(at, tonumber(last[2]))
end
if count >= limit then
  local kth = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  at = math.max(at, tonumber(kth[2]) + window)
end
redis.call('ZADD', key, at, ARGV[3])
redis.call('PEXPIRE', key, at - now + window)
return at - now
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    reserveRateSlot(
      key: string,
      limit: number,
      windowMs: number,
      member: string,
    ): Result<number, Context>;
  }
}

/**
 * Paces a webhook's deliveries to its rate limit: it never refuses, it says when to send (unlike
 * the sign-in AttemptLimiter of @acme/realtime, which refuses attempts over its limit).
 */
export interface DeliveryPacer {
  /** Milliseconds until this request may be sent; the slot is taken either way. Throws if Redis is down. */
  reserve(webhookId: string): Promise<number>;
}

export interface DeliveryPacerOptions {
  redis: Redis;
  /** The deployment's Redis prefix (REDIS_PREFIX). */
  prefix: string;
  limitPerWindow: number;
  windowMs?: number;
}

export function createRedisDeliveryPacer({
  redis,
  prefix,
  limitPerWindow,
  windowMs = 60_000,
}: DeliveryPacerOptions): DeliveryPacer {
  redis.defineCommand('reserveRateSlot', { numberOfKeys: 1, lua: RESERVE_SLOT_LUA });
  return {
    async reserve(webhookId) {
      if (limitPerWindow <= 0) return 0;
      const key = `${prefix}webhook-rate:${webhookId}`;
      return Number(await redis.reserveRateSlot(key, limitPerWindow, windowMs, randomUUID()));
    },
  };
}

/**
 * The same reservations for a single process (no REDIS_URL): every delivery runs in this process,
 * so a per-process log of send times is the whole truth.
 */
export function createMemoryDeliveryPacer({
  limitPerWindow,
  windowMs = 60_000,
  now = Date.now,
}: {
  limitPerWindow: number;
  windowMs?: number;
  now?: () => number;
}): DeliveryPacer {
  const logs = new Map<string, number[]>();
  return {
    reserve(webhookId) {
      if (limitPerWindow <= 0) return Promise.resolve(0);
      const at0 = now();
      const times = (logs.get(webhookId) ?? []).filter((time) => time > at0 - windowMs);
      let at = Math.max(at0, times.at(-1) ?? at0);
      if (times.length >= limitPerWindow) {
        at = Math.max(at, times[times.length - limitPerWindow]! + windowMs);
      }
      times.push(at);
      logs.set(webhookId, times);
      return Promise.resolve(at - at0);
    },
  };
}
