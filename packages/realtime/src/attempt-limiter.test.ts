import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryAttemptLimiter, createRedisAttemptLimiter } from './attempt-limiter.ts';
import { createRedis } from './redis.ts';
import { TEST_REDIS_URL } from './testing.ts';

const prefix = () => `acme-test:${randomBytes(6).toString('hex')}:`;
const opened: Redis[] = [];
function connect(url = TEST_REDIS_URL): Redis {
  const redis = createRedis(url);
  redis.on('error', () => {});
  opened.push(redis);
  return redis;
}
afterEach(() => {
  for (const redis of opened.splice(0)) redis.disconnect();
});

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('memory rate limiter (sliding window)', () => {
  it('allows `limit` attempts per window, then says how long to wait', async () => {
    const time = clock();
    const limiter = createMemoryAttemptLimiter(time.now);
    const decisions = [];
    for (let i = 0; i < 5; i++) {
      decisions.push(await limiter.take('ip:1', 3, 1_000));
      time.advance(100);
    }
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    // The first attempt (at 0 ms) leaves the window at 1,000 ms; the fifth came at 400 ms.
    expect(decisions[4]!.retryAfterMs).toBe(600);
    expect(decisions[0]!.retryAfterMs).toBe(0);
  });

  it('slides: an attempt is allowed again once the oldest leaves the window', async () => {
    const time = clock();
    const limiter = createMemoryAttemptLimiter(time.now);
    await limiter.take('k', 2, 1_000);
    time.advance(500);
    await limiter.take('k', 2, 1_000);
    time.advance(499);
    expect((await limiter.take('k', 2, 1_000)).allowed).toBe(false);
    time.advance(1);
    expect((await limiter.take('k', 2, 1_000)).allowed).toBe(true);
    // Refused attempts were not counted: the window now holds the attempts at 500 and 1,000 ms.
    expect(await limiter.take('k', 2, 1_000)).toEqual({ allowed: false, retryAfterMs: 500 });
  });

  it('counts keys separately', async () => {
    const limiter = createMemoryAttemptLimiter(clock().now);
    expect((await limiter.take('a', 1, 1_000)).allowed).toBe(true);
    expect((await limiter.take('a', 1, 1_000)).allowed).toBe(false);
    expect((await limiter.take('b', 1, 1_000)).allowed).toBe(true);
  });
});

describe('Redis rate limiter (shared by every server)', () => {
  it('counts attempts made through different connections against one limit', async () => {
    const shared = prefix();
    // Two servers: each has its own Redis connection and its own limiter.
    const a = createRedisAttemptLimiter({ redis: connect(), prefix: shared });
    const b = createRedisAttemptLimiter({ redis: connect(), prefix: shared });
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await (i % 2 === 0 ? a : b).take('ip:1', 3, 60_000));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    expect(decisions[3]!.retryAfterMs).toBeGreaterThan(59_000);
    expect(decisions[3]!.retryAfterMs).toBeLessThanOrEqual(60_000);
    // Other keys, and other deployments (prefixes), count on their own.
    expect((await a.take('ip:2', 3, 60_000)).allowed).toBe(true);
    const other = createRedisAttemptLimiter({ redis: connect(), prefix: prefix() });
    expect((await other.take('ip:1', 3, 60_000)).allowed).toBe(true);
  });

  it('slides, and does not count refused attempts', async () => {
    const limiter = createRedisAttemptLimiter({ redis: connect(), prefix: prefix() });
    expect((await limiter.take('k', 2, 400)).allowed).toBe(true);
    expect((await limiter.take('k', 2, 400)).allowed).toBe(true);
    const refused = await limiter.take('k', 2, 400);
    expect(refused.allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 20));
    // Both attempts have left the window; the refused one never entered it.
    expect((await limiter.take('k', 2, 400)).allowed).toBe(true);
    expect((await limiter.take('k', 2, 400)).allowed).toBe(true);
    expect((await limiter.take('k', 2, 400)).allowed).toBe(false);
  });

  it('keeps limiting in memory while Redis does not answer', async () => {
    const errors: unknown[] = [];
    const limiter = createRedisAttemptLimiter({
      redis: connect('redis://127.0.0.1:1'),
      prefix: prefix(),
      onError: (error) => errors.push(error),
    });
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.take('ip:1', 2, 60_000));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(errors).toHaveLength(3);
  });
});
