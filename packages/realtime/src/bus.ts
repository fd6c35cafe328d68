import { EventEmitter, on } from 'node:events';
import type { Logger } from '@acme/runtime/logger';
import { createRedis } from './redis.ts';

/**
 * Cross-process fan-out of live events over Redis pub/sub.
 *
 * Publishing is fire-and-forget: Redis is a carrier of live updates, never the record (that is
 * Postgres), so a publish during an outage is dropped with a warning instead of failing the work
 * that produced it. Each process holds one subscriber connection and reference-counts channels:
 * SUBSCRIBE on the first local listener, UNSUBSCRIBE after the last one leaves. ioredis
 * resubscribes by itself after a reconnect.
 */
export interface Bus {
  publish(channel: string, message: unknown): Promise<boolean>;
  /** Yields every message published on the channel until the signal aborts. */
  subscribe(channel: string, signal: AbortSignal): AsyncGenerator<unknown, void, undefined>;
  /** Resolves once the subscriber connection is ready to receive. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface BusOptions {
  url: string;
  prefix: string;
  logger: Logger;
}

export function createBus({ url, prefix, logger }: BusOptions): Bus {
  const publisher = createRedis(url);
  const subscriber = createRedis(url, { enableOfflineQueue: true, maxRetriesPerRequest: null });
  const local = new EventEmitter({ captureRejections: false });
  local.setMaxListeners(0);
  const listeners = new Map<string, number>();
  let lastWarning = 0;

  const warnThrottled = (message: string, error: unknown) => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    logger.warn({ err: error }, message);
  };
  publisher.on('error', (error) => warnThrottled('redis publisher connection error', error));
  subscriber.on('error', (error) => warnThrottled('redis subscriber connection error', error));

  subscriber.on('message', (fullChannel: string, payload: string) => {
    const channel = fullChannel.slice(prefix.length);
    try {
      local.emit(channel, JSON.parse(payload) as unknown);
    } catch (error) {
      logger.warn({ err: error, channel }, 'dropped a malformed bus message');
    }
  });

  const retain = async (channel: string) => {
    const count = (listeners.get(channel) ?? 0) + 1;
    listeners.set(channel, count);
    if (count === 1)
      await subscriber.subscribe(prefix + channel).catch((error: unknown) => {
        warnThrottled('redis subscribe failed; will resubscribe on reconnect', error);
      });
  };
  const release = async (channel: string) => {
    const count = (listeners.get(channel) ?? 1) - 1;
    if (count > 0) {
      listeners.set(channel, count);
      return;
    }
    listeners.delete(channel);
    await subscriber.unsubscribe(prefix + channel).catch(() => {});
  };

  return {
    async publish(channel, message) {
      try {
        await publisher.publish(prefix + channel, JSON.stringify(message));
        return true;
      } catch (error) {
        warnThrottled('redis publish failed; live update dropped (state stays in Postgres)', error);
        return false;
      }
    },
    async *subscribe(channel, signal) {
      // Listen locally before subscribing in Redis so nothing published in between is missed.
      const events = on(local, channel, { signal });
      await retain(channel);
      try {
        for await (const [message] of events) yield message as unknown;
      } catch (error) {
        if (!signal.aborted) throw error;
      } finally {
        await release(channel);
      }
    },
    async ready() {
      if (subscriber.status === 'ready') return;
      await new Promise<void>((resolve) => subscriber.once('ready', () => resolve()));
    },
    close() {
      local.removeAllListeners();
      publisher.disconnect();
      subscriber.disconnect();
      return Promise.resolve();
    },
  };
}
