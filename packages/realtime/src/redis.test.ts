import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterAll, expect, test } from 'vitest';
import { createRedis, pingRedis } from './redis.ts';
import { TEST_REDIS_URL } from './testing.ts';

/** A port nothing listens on: Redis is down for this connection. */
async function deadPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

const closers: (() => void)[] = [];
afterAll(() => closers.forEach((close) => close()));

test('health checks during a Redis outage say down and leave no listener behind', async () => {
  const redis = createRedis(`redis://127.0.0.1:${await deadPort()}`);
  redis.on('error', () => {}); // the outage itself is expected here
  closers.push(() => redis.disconnect());
  const before = redis.listenerCount('ready');

  for (let i = 0; i < 15; i++) expect(await pingRedis(redis, 20)).toBe(false);

  expect(redis.listenerCount('ready')).toBe(before);
});

test('a check answers true once Redis is up', async () => {
  const redis = createRedis(TEST_REDIS_URL);
  closers.push(() => redis.disconnect());
  expect(await pingRedis(redis, 2_000)).toBe(true);
  expect(redis.listenerCount('ready')).toBe(0);
});
