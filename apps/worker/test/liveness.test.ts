import { expect, it } from 'vitest';
import { releaseDeadWorkers } from '@acme/jobs';
import { startTestWorker, useTestDatabase } from '@acme/testing';

const database = useTestDatabase();

const heartbeats = async () =>
  (await database.sql<{ id: string }[]>`select worker_id as id from worker_heartbeats`).map(
    (row) => row.id,
  );

it('a running worker keeps its graphile-worker pools (the ids jobs are locked with) alive, and clears them on stop', async () => {
  const worker = await startTestWorker(database, {
    WORKER_CONCURRENCY: '2',
    WEBHOOK_CONCURRENCY: '3',
  });
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
