import { describe, expect, it } from 'vitest';
import { createMemoryDeliveryPacer } from './delivery-pacer.ts';

describe('in-memory webhook rate limiter (single-process mode)', () => {
  it('hands out send times so no window holds more than the limit, per webhook', async () => {
    const time = 1_000_000;
    const limiter = createMemoryDeliveryPacer({
      limitPerWindow: 2,
      windowMs: 1_000,
      now: () => time,
    });
    const waits = [];
    for (let i = 0; i < 5; i++) waits.push(await limiter.reserve('w1'));
    // Two now, the next two one window later, the fifth two windows later.
    expect(waits).toEqual([0, 0, 1_000, 1_000, 2_000]);
    expect(await limiter.reserve('w2')).toBe(0);
  });

  it('never waits with a limit of 0 (unlimited)', async () => {
    const limiter = createMemoryDeliveryPacer({ limitPerWindow: 0 });
    expect(await limiter.reserve('w')).toBe(0);
  });
});
