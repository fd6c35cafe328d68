import { describe, expect, it } from 'vitest';
import { MAX_SENDS_PER_DELIVERY, retryDelayMs } from './retry-schedule.ts';

const HOUR = 3_600_000;
const retries = Array.from({ length: MAX_SENDS_PER_DELIVERY - 1 }, (_, index) => index + 1);
const total = (random: () => number) =>
  retries.reduce((sum, retry) => sum + retryDelayMs(retry, 30_000, random), 0);

describe('retry schedule', () => {
  it('retries the first time within 30 s, even at the top of the jitter', () => {
    expect(retryDelayMs(1, 30_000, () => 0.999)).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(1, 30_000, () => 0)).toBeGreaterThanOrEqual(22_500);
  });

  it('grows exponentially', () => {
    const delays = retries.map((retry) => retryDelayMs(retry, 30_000, () => 0.5));
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]! * 2);
  });

  it('makes its last retry about a day after the first failure', () => {
    expect(total(() => 0)).toBeGreaterThan(20 * HOUR);
    expect(total(() => 1)).toBeLessThan(28 * HOUR);
  });

  it('spreads retries that failed together (jitter)', () => {
    const seen = new Set(Array.from({ length: 20 }, () => retryDelayMs(3, 30_000)));
    expect(seen.size).toBeGreaterThan(10);
  });
});
