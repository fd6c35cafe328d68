import { afterAll, describe, expect, it } from 'vitest';
import { uniqueRedisPrefix } from '@acme/db/testing';
import { createRedis } from '@acme/realtime';
import { createRedisDeliveryPacer } from './delivery-pacer.ts';
import { TEST_REDIS_URL } from '@acme/realtime/testing';

const prefix = uniqueRedisPrefix();
const connections = [1, 2].map(() => createRedis(TEST_REDIS_URL, { enableOfflineQueue: true }));

afterAll(async () => {
  const keys = await connections[0]!.keys(`${prefix}*`);
  if (keys.length) await connections[0]!.del(...keys);
  for (const redis of connections) redis.disconnect();
});

describe('rate limiter (Redis, shared by workers)', () => {
  it('grants `limit` slots per window across connections and queues the rest in order', async () => {
    const windowMs = 5_000;
    // Two limiters on two connections stand for two worker processes.
    const [a, b] = connections.map((redis) =>
      createRedisDeliveryPacer({ redis, prefix, limitPerWindow: 3, windowMs }),
    );
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) waits.push(await (i % 2 ? a! : b!).reserve('hook-1'));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    for (const wait of waits.slice(3)) expect(wait).toBeGreaterThan(0);
    expect(waits[6]!).toBeGreaterThan(waits[3]!);

    // The reserved send times (Redis server clock): all 8 kept, in order, and each one at least a
    // window after the one 3 places earlier, so no window ever holds more than 3.
    const flat = await connections[0]!.zrange(
      `${prefix}webhook-rate:hook-1`,
      '0',
      '-1',
      'WITHSCORES',
    );
    const times = flat.filter((_, i) => i % 2 === 1).map(Number);
    expect(times).toHaveLength(8);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
    for (let i = 3; i < times.length; i++) {
      expect(times[i]! - times[i - 3]!).toBeGreaterThanOrEqual(windowMs);
    }
  });

  it('keeps webhooks apart and lets 0 mean no limit', async () => {
    const limiter = createRedisDeliveryPacer({
      redis: connections[0]!,
      prefix,
      limitPerWindow: 1,
      windowMs: 60_000,
    });
    expect(await limiter.reserve('hook-a')).toBe(0);
    expect(await limiter.reserve('hook-b')).toBe(0);
    expect(await limiter.reserve('hook-a')).toBeGreaterThan(59_000);
    const unlimited = createRedisDeliveryPacer({
      redis: connections[0]!,
      prefix,
      limitPerWindow: 0,
    });
    for (let i = 0; i < 5; i++) expect(await unlimited.reserve('hook-a')).toBe(0);
  });

  it('fails loudly when Redis is unreachable (the caller reschedules)', async () => {
    const down = createRedis('redis://127.0.0.1:1');
    down.on('error', () => {});
    const limiter = createRedisDeliveryPacer({ redis: down, prefix, limitPerWindow: 5 });
    await expect(limiter.reserve('hook-a')).rejects.toThrow();
    down.disconnect();
  });
});
