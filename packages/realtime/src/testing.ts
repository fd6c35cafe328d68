/**
 * Where tests find Redis: `TEST_REDIS_URL`, else the machine's on the default port. Tests never
 * read `REDIS_URL`, which may name the app's own Redis (the README's compose ports).
 */
export function testRedisUrl(): string {
  return process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

/** The Redis every test talks to (see `testRedisUrl`). */
export const TEST_REDIS_URL = testRedisUrl();

/** The first `count` messages of a subscription (fewer if it ends first); stops iterating then. */
export async function takeMessages(
  iterator: AsyncGenerator<unknown>,
  count: number,
): Promise<unknown[]> {
  const received: unknown[] = [];
  for await (const message of iterator) {
    received.push(message);
    if (received.length === count) break;
  }
  return received;
}
