import type { ChildProcess } from 'node:child_process';
import { afterAll, expect, test } from 'vitest';
import { uniqueRedisPrefix } from '@acme/db/testing';
import { createBus, type Bus } from '@acme/realtime';
import { createLogger } from '@acme/runtime/logger';
import { importChannel } from '@acme/shared';
import {
  eventually,
  freePort,
  type InProcessWorker,
  kill,
  readImport,
  sampleCsv,
  sampleDistinctSkus,
  startInProcessWorker,
  startRedis,
  storeFile,
  waitForFinal,
  useTestDatabase,
} from '@acme/testing';

const database = useTestDatabase();
let redis: ChildProcess | undefined;
let worker: InProcessWorker | undefined;
let listener: Bus | undefined;

afterAll(async () => {
  await worker?.stop();
  await listener?.close();
  if (redis) await kill(redis);
});

test('Redis unreachable for the whole import: it completes, its final state is in Postgres', async () => {
  const deadPort = await freePort();
  const deadWorker = await startInProcessWorker(database, {
    url: `redis://127.0.0.1:${deadPort}`,
    prefix: uniqueRedisPrefix(),
  });
  try {
    const id = await storeFile(
      database.sql,
      'no-redis.csv',
      Buffer.from('sku,name\nA-1,One\nB-2,Two\n'),
    );
    const final = await waitForFinal(database, id);
    expect(final).toMatchObject({ status: 'completed', created: 2 });
  } finally {
    await deadWorker.stop();
  }
});

test('Redis stops during an import and comes back: the import completes and live progress resumes', async () => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const prefix = uniqueRedisPrefix();
  redis = await startRedis(port);
  worker = await startInProcessWorker(database, { url, prefix });
  listener = createBus({
    url,
    prefix,
    logger: createLogger({ level: 'silent', name: 'listener' }),
  });
  await listener.ready();

  const rows = 100_000;
  const id = await storeFile(database.sql, 'outage.csv', sampleCsv({ rows, seed: 7 }));
  const received: { version: number; status: string; at: number }[] = [];
  const controller = new AbortController();
  const listening = (async () => {
    for await (const message of listener.subscribe(importChannel(id), controller.signal)) {
      const { version, status } = message as { version: number; status: string };
      received.push({ version, status, at: Date.now() });
    }
  })();

  await eventually(() => received.length > 0, 20_000);
  await kill(redis, 'SIGKILL');
  const downAt = Date.now();
  // Postgres keeps recording progress while Redis is down (polled: a loaded machine may take a
  // while to reach the next tick, and a fixed sleep made this flaky).
  const lastHeard = received.at(-1)!.version;
  const midway = await eventually(async () => {
    const state = await readImport(database.db, id);
    return state.version > lastHeard ? state : undefined;
  }, 20_000);
  expect(midway.version).toBeGreaterThan(lastHeard);
  redis = await startRedis(port);
  const upAt = Date.now();

  const final = await waitForFinal(database, id, 60_000);
  expect(final).toMatchObject({
    status: 'completed',
    created: sampleDistinctSkus({ rows, seed: 7 }),
  });
  await eventually(() => received.some((message) => message.status === 'completed'), 10_000);
  controller.abort();
  await listening;
  expect(received.filter((m) => m.at > downAt && m.at < upAt)).toEqual([]);
  const afterOutage = received.filter((m) => m.at >= upAt);
  expect(afterOutage.length).toBeGreaterThan(0);
  expect(afterOutage.at(-1)).toMatchObject({ status: 'completed', version: final.version });
}, 90_000);
