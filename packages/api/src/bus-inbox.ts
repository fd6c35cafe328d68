import type { Bus } from '@acme/realtime';

export interface BusInboxOptions<T> {
  /** The message as the follower uses it, or undefined for one it must ignore (malformed). */
  parse: (message: unknown) => T | undefined;
  /** Longest wait for a message before the follower looks at Postgres itself. */
  pollMs: number;
  /** The subscription's own signal (the client left). */
  signal: AbortSignal | undefined;
  onMalformed: () => void;
  onListenerError: (error: unknown) => void;
}

export interface BusInbox<T> {
  /**
   * Waits for messages, at most `pollMs`: the ones that arrived since the last take (none when
   * the wait ran out), or null once the subscription was aborted.
   */
  take: () => Promise<T[] | null>;
  /** Stops listening. */
  close: () => void;
}

/**
 * What a subscription hears on one bus channel. It subscribes at once, so a follower that opens it
 * before reading Postgres misses no change between the two; pub/sub loses messages and Redis may
 * be down, so `take` never waits longer than `pollMs` and the follower then reads Postgres, which
 * is the record.
 */
export function openBusInbox<T>(
  bus: Bus,
  channel: string,
  options: BusInboxOptions<T>,
): BusInbox<T> {
  const { parse, pollMs, signal, onMalformed, onListenerError } = options;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const inbox: T[] = [];
  let wake: (() => void) | undefined;

  const pump = (async () => {
    for await (const message of bus.subscribe(channel, stop.signal)) {
      const parsed = parse(message);
      if (parsed === undefined) {
        onMalformed();
        continue;
      }
      inbox.push(parsed);
      wake?.();
    }
  })();

  /** Resolves when a message is waiting, after `pollMs` without one, or on abort. */
  const waitForMessage = () =>
    new Promise<void>((resolve) => {
      if (inbox.length > 0 || stop.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      wake = done;
      stop.signal.addEventListener('abort', done, { once: true });
    });

  return {
    take: async () => {
      await waitForMessage();
      return stop.signal.aborted ? null : inbox.splice(0);
    },
    close: () => {
      signal?.removeEventListener('abort', onAbort);
      stop.abort();
      // Not awaited: while Redis is down the listener only ends once Redis is back, and the
      // subscription must end (and reach the client) now.
      pump.catch(onListenerError);
    },
  };
}
