import { isTrackedEnvelope, tracked, type TrackedEnvelope } from '@trpc/server';
import { z } from 'zod';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Output schema of a subscription that yields `tracked(id, item)`: every item is validated with
 * `item` on its way out, like a query's output. Leaving the loop early (the client unsubscribed)
 * returns the source generator, so its cleanup runs.
 */
export function zTrackedIterable<TInput, TOutput>(item: z.ZodType<TOutput, TInput>) {
  return z
    .custom<AsyncIterable<TrackedEnvelope<TInput>>>(isAsyncIterable, 'expected an async iterable')
    .transform(async function* (source): AsyncGenerator<TrackedEnvelope<TOutput>, void> {
      for await (const envelope of source) {
        if (!isTrackedEnvelope(envelope))
          throw new Error('subscription yielded an untracked value');
        const [id, data] = envelope;
        yield tracked(id, await item.parseAsync(data));
      }
    });
}
