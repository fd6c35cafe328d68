import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import { releaseDeadWorkers } from '@acme/jobs';
import { loadConfig, requireExternalServices } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import { startWorker } from '../src/worker.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const heartbeats = async () =>
  (await database.sql<{ id: string }[]>`select worker_id as id from worker_heartbeats`).map(
    (row) => row.id,
  );

it('a running worker keeps its graphile-worker pools (the ids jobs are locked with) alive, and clears them on stop', async () => {
  const config = requireExternalServices(
    loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: uniqueRedisPrefix(),
      WORKER_CONCURRENCY: '2',
      WEBHOOK_CONCURRENCY: '3',
    }),
    'test worker',
  );
  const worker = await startWorker(config, createLogger({ level: 'silent', name: 'test' }));
  try {
    await expect.poll(() => heartbeats(), { timeout: 5_000 }).toHaveLength(2);
    const ids = await heartbeats();
    expect(ids).toEqual([expect.stringMatching(/^pool-/), expect.stringMatching(/^pool-/)]); // one per runner
    // A job held by one of them for a minute is not taken for abandoned.
    await database.sql`select graphile_worker.add_job('webhook:deliver', '{}'::json, run_at => now() + interval '1 hour')`;
    await database.sql`
      update graphile_worker._private_jobs
      set locked_by = ${ids[0]!}, locked_at = now() - interval '1 minute'`;
    expect(await releaseDeadWorkers(database.sql)).toEqual([]);
  } finally {
    await worker.stop();
  }
  expect(await heartbeats()).toEqual([]);
});
