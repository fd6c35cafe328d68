import { describe, expect, it } from 'vitest';
import { createLogger } from '@acme/runtime/logger';
import { createConfiguredBus } from './configured-bus.ts';

const logger = createLogger({ level: 'silent', name: 'test' });

describe('createConfiguredBus', () => {
  it('is in-process without a Redis URL: a message reaches a subscriber of the same bus', async () => {
    const bus = createConfiguredBus({ url: undefined, prefix: 'p:', logger });
    const controller = new AbortController();
    const received = (async () => {
      for await (const message of bus.subscribe('ch', controller.signal)) return message;
    })();
    await bus.ready();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await bus.publish('ch', { n: 1 })).toBe(true);
    expect(await received).toEqual({ n: 1 });
    controller.abort();
    await bus.close();
  });

  it('uses Redis with a URL: publishing fails softly when that Redis is unreachable', async () => {
    const bus = createConfiguredBus({ url: 'redis://127.0.0.1:1', prefix: 'p:', logger });
    expect(await bus.publish('ch', { n: 1 })).toBe(false);
    await bus.close();
  });
});
