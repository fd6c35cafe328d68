import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import { TEST_REDIS_URL } from '@acme/realtime/testing';
import { importJobKey } from './enqueue-import.ts';
import {
  kill,
  readImport,
  sampleCsv,
  sampleDistinctSkus,
  spawnWorker,
  storeFile,
  waitForFinal,
} from '@acme/testing';

let database: TestDatabase;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const worker of workers) await kill(worker);
  await database?.drop();
});

test('SIGTERM mid-import hands the import back to the queue at once; the next worker completes it', async () => {
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: uniqueRedisPrefix(),
  };
  const rows = 100_000;
  const id = await storeFile(database.sql, 'shutdown.csv', sampleCsv({ rows }));
  const first = spawnWorker(env);
  workers.push(first);
  await expect
    .poll(async () => (await readImport(database.db, id)).rowsProcessed, { timeout: 30_000 })
    .toBeGreaterThan(0);

  const exited = once(first, 'exit');
  first.kill('SIGTERM');
  // Back in the queue well before the 10 s shutdown timeout, with a job any worker can take now.
  await expect
    .poll(async () => (await readImport(database.db, id)).status, { timeout: 5_000 })
    .toBe('queued');
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
  const queued = await readImport(database.db, id);
  expect(queued.interruptions).toMatchObject([{ attempt: 1, reason: 'the worker shut down' }]);
  const jobs = await database.sql<{ attempts: number; locked: boolean; due: boolean }[]>`
    select attempts, locked_at is not null as locked, run_at <= now() as due
    from graphile_worker.jobs where key = ${importJobKey(id)}`;
  expect(jobs).toEqual([{ attempts: 0, locked: false, due: true }]);

  workers.push(spawnWorker(env));
  const final = await waitForFinal(database, id, 90_000);
  expect(final).toMatchObject({
    status: 'completed',
    rowsProcessed: rows,
    created: sampleDistinctSkus({ rows }),
    attempts: 2,
  });
  expect(final.interruptions).toHaveLength(1);
  const [count] = await database.sql<{ n: number }[]>`select count(*)::int as n from products`;
  expect(count!.n).toBe(final.created);
}, 120_000);
