import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './rate-limiter.ts';

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('memory rate limiter (sliding window)', () => {
  it('allows `limit` attempts per window, then says how long to wait', async () => {
    const time = clock();
    const limiter = createMemoryRateLimiter(time.now);
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
    const limiter = createMemoryRateLimiter(time.now);
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
    const limiter = createMemoryRateLimiter(clock().now);
    expect((await limiter.take('a', 1, 1_000)).allowed).toBe(true);
    expect((await limiter.take('a', 1, 1_000)).allowed).toBe(false);
    expect((await limiter.take('b', 1, 1_000)).allowed).toBe(true);
  });
});
