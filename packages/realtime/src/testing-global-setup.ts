import { createRedis, pingRedis } from './redis.ts';
import { testRedisUrl } from './testing.ts';

/**
 * vitest globalSetup of the projects that use Redis: without one, every such test would fail on
 * its own connection error; this says once, in one line, how to get one.
 */
export default async function setup(): Promise<void> {
  const url = testRedisUrl();
  const redis = createRedis(url, { lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => {}); // the answer (or its absence) is what counts here
  try {
    if (
      await redis.connect().then(
        () => pingRedis(redis, 3_000),
        () => false,
      )
    )
      return;
  } finally {
    redis.disconnect();
  }
  const error = new Error(
    `No Redis answers at ${url}: start one (\`docker compose up -d redis\` and TEST_REDIS_URL=redis://127.0.0.1:63790, or \`apt-get install redis-server\`), or set TEST_REDIS_URL to yours.`,
  );
  error.stack = error.message; // the sentence alone: there is nothing to debug in this process
  throw error;
}
