/** The outcome of one attempt against a limit. */
export interface RateLimitDecision {
  allowed: boolean;
  /** When refused: milliseconds until an attempt would be allowed again; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * A sliding-window limit: at most `limit` attempts per key within any `windowMs`. A refused attempt
 * is not counted, so a caller that waits `retryAfterMs` gets through. Implementations: in memory
 * (one process) and Redis (shared by every process of a deployment).
 */
export interface RateLimiter {
  take(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
}

/**
 * The limiter for a single process (no `REDIS_URL`): a sliding log of attempt times per key.
 * Keys whose attempts have all left their window are dropped, so memory follows active keys only.
 */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
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
