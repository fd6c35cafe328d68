import { createServer } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import setup from './testing-global-setup.ts';

const saved = process.env['TEST_REDIS_URL'];
afterEach(() => {
  if (saved === undefined) delete process.env['TEST_REDIS_URL'];
  else process.env['TEST_REDIS_URL'] = saved;
});

it('goes on when Redis answers', async () => {
  await expect(setup()).resolves.toBeUndefined();
});

it('says in one line how to get a Redis when none answers', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  process.env['TEST_REDIS_URL'] = `redis://127.0.0.1:${port}`;
  const error = await setup().then(
    () => undefined,
    (failure: unknown) => failure as Error,
  );
  expect(error?.message).toMatch(
    new RegExp(
      `^No Redis answers at redis://127\\.0\\.0\\.1:${port}: start one \\(.*docker compose up -d redis.*\\), or set TEST_REDIS_URL to yours\\.$`,
    ),
  );
  expect(error?.stack).not.toContain('\n');
});
