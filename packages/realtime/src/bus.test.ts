import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createLogger } from '@acme/runtime/logger';
import { createBus, type Bus } from './bus.ts';
import { takeMessages, TEST_REDIS_URL } from './testing.ts';

const logger = createLogger({ level: 'silent', name: 'test' });
const prefix = () => `acme-test:${randomBytes(6).toString('hex')}:`;
const opened: Bus[] = [];
function bus(options: { url?: string; prefix: string }): Bus {
  const created = createBus({ url: options.url ?? TEST_REDIS_URL, prefix: options.prefix, logger });
  opened.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
});

/** Runs `publish` every 20 ms until `received` settles (the subscriber heard one), within 5 s. */
async function publishUntilHeard(received: Promise<unknown[]>, publish: () => Promise<unknown>) {
  let settled = false;
  void received.finally(() => (settled = true));
  await vi.waitFor(
    async () => {
      if (settled) return;
      await publish();
      throw new Error('the subscriber heard nothing yet');
    },
    { timeout: 5_000, interval: 20 },
  );
}

describe('bus', () => {
  it('carries messages between processes (two connections) on one prefix', async () => {
    const shared = prefix();
    const publisher = bus({ prefix: shared });
    const subscriber = bus({ prefix: shared });
    const controller = new AbortController();
    const received = takeMessages(subscriber.subscribe('import:1', controller.signal), 1);
    let probe = 0;
    await publishUntilHeard(received, () => publisher.publish('import:1', { probe: probe++ }));
    expect(await received).toEqual([{ probe: expect.any(Number) as number }]);
    controller.abort();
  });

  it('fans one Redis subscription out to several local listeners', async () => {
    const shared = prefix();
    const publisher = bus({ prefix: shared });
    const subscriber = bus({ prefix: shared });
    const controllers = [new AbortController(), new AbortController()];
    const [a, b] = controllers.map((c) => takeMessages(subscriber.subscribe('ch', c.signal), 1));
    let probe = 0;
    await publishUntilHeard(Promise.all([a!, b!]), () =>
      publisher.publish('ch', { probe: probe++ }),
    );
    expect((await a!).length).toBe(1);
    expect((await b!).length).toBe(1);
    for (const c of controllers) c.abort();
  });

  it('isolates prefixes', async () => {
    const mine = prefix();
    const publisher = bus({ prefix: prefix() });
    const subscriber = bus({ prefix: mine });
    const samePrefixPublisher = bus({ prefix: mine });
    const controller = new AbortController();
    const received = takeMessages(subscriber.subscribe('ch', controller.signal), 1);
    await subscriber.ready();
    // The foreign prefix publishes first; only the own-prefix message may arrive.
    await publisher.publish('ch', { from: 'other' });
    await publishUntilHeard(received, async () => {
      await publisher.publish('ch', { from: 'other' });
      await samePrefixPublisher.publish('ch', { from: 'mine' });
    });
    expect(await received).toEqual([{ from: 'mine' }]);
    controller.abort();
  });

  it('ends the iteration when the signal aborts', async () => {
    const subscriber = bus({ prefix: prefix() });
    const controller = new AbortController();
    const iteration = takeMessages(subscriber.subscribe('ch', controller.signal), 5);
    controller.abort();
    expect(await iteration).toEqual([]);
  });

  it('drops publishes without throwing while Redis is unreachable', async () => {
    const down = bus({ url: 'redis://127.0.0.1:1', prefix: prefix() });
    const started = Date.now();
    expect(await down.publish('ch', { any: 1 })).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
