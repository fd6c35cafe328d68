import { describe, expect, it } from 'vitest';
import { createMemoryBus } from './memory-bus.ts';
import { takeMessages } from './testing.ts';

/** Starts iterating (which registers the listener) before anything is published. */
function listen(iterator: AsyncGenerator<unknown>, count: number) {
  const first = iterator.next();
  return first.then(async (result) => {
    if (result.done) return [];
    return count === 1
      ? [result.value]
      : [result.value, ...(await takeMessages(iterator, count - 1))];
  });
}

describe('memory bus', () => {
  it('delivers a copy of each message to every listener of the channel, in order', async () => {
    const bus = createMemoryBus();
    const controllers = [new AbortController(), new AbortController()];
    const [a, b] = controllers.map((c) => bus.subscribe('import:1', c.signal));
    const received = Promise.all([listen(a!, 2), listen(b!, 2)]);
    await new Promise((resolve) => setImmediate(resolve));
    const message = { seq: 1, nested: { rows: 5 } };
    expect(await bus.publish('import:1', message)).toBe(true);
    await bus.publish('import:1', { seq: 2 });
    const [first, second] = await received;
    expect(first).toEqual([{ seq: 1, nested: { rows: 5 } }, { seq: 2 }]);
    expect(second).toEqual(first);
    expect(first[0]).not.toBe(message);
    for (const c of controllers) c.abort();
  });

  it('keeps channels apart', async () => {
    const bus = createMemoryBus();
    const controller = new AbortController();
    const received = listen(bus.subscribe('a', controller.signal), 1);
    await new Promise((resolve) => setImmediate(resolve));
    await bus.publish('b', { from: 'b' });
    await bus.publish('a', { from: 'a' });
    expect(await received).toEqual([{ from: 'a' }]);
    controller.abort();
  });

  it('ends the iteration when the signal aborts', async () => {
    const bus = createMemoryBus();
    const controller = new AbortController();
    const iteration = takeMessages(bus.subscribe('ch', controller.signal), 5);
    controller.abort();
    expect(await iteration).toEqual([]);
  });

  it('drops, without throwing, a message Redis could not carry and publishes after close', async () => {
    const bus = createMemoryBus();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(await bus.publish('ch', cyclic)).toBe(false);
    await bus.ready();
    await bus.close();
    expect(await bus.publish('ch', { late: true })).toBe(false);
  });
});
