import { EventEmitter, on } from 'node:events';
import type { Bus } from './bus.ts';

/**
 * The bus for a single process (no `REDIS_URL`): the server and the worker share one instance.
 * Messages go through a JSON round trip, like over Redis, so a subscriber never shares an object
 * with the publisher and a value that Redis could not carry is dropped here too.
 */
export function createMemoryBus(): Bus {
  const local = new EventEmitter({ captureRejections: false });
  local.setMaxListeners(0);
  let closed = false;
  return {
    publish(channel, message) {
      if (closed) return Promise.resolve(false);
      let copy: unknown;
      try {
        copy = JSON.parse(JSON.stringify(message));
      } catch {
        // Same contract as the Redis bus: publishing never fails the work that produced it.
        return Promise.resolve(false);
      }
      local.emit(channel, copy);
      return Promise.resolve(true);
    },
    async *subscribe(channel, signal) {
      try {
        for await (const [message] of on(local, channel, { signal })) yield message as unknown;
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    },
    ready: () => Promise.resolve(),
    close() {
      closed = true;
      local.removeAllListeners();
      return Promise.resolve();
    },
  };
}
