import { EventEmitter } from 'node:events';
import { Logger as GraphileLogger, run } from 'graphile-worker';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@acme/runtime/logger';
import { useTestDatabase } from '@acme/testing';
import { releaseDeadWorkers, startLivenessBeacon } from './worker-liveness.ts';

const database = useTestDatabase();
const logger = createLogger({ level: 'silent', name: 'test' });

beforeEach(async () => {
  await database.sql`delete from graphile_worker._private_jobs`;
  await database.sql`delete from worker_heartbeats`;
});

/** A job locked by `workerId` since `lockedSecondsAgo`. */
async function lockedJob(workerId: string, lockedSecondsAgo: number): Promise<string> {
  const [job] = await database.sql<{ id: string }[]>`
    select id::text from graphile_worker.add_job('webhook:deliver', '{}'::json)`;
  await database.sql`
    update graphile_worker._private_jobs
    set locked_by = ${workerId}, locked_at = now() - make_interval(secs => ${lockedSecondsAgo})
    where id = ${job!.id}::bigint`;
  return job!.id;
}

async function beat(workerId: string, secondsAgo: number): Promise<void> {
  await database.sql`
    insert into worker_heartbeats (worker_id, beat_at)
    values (${workerId}, now() - make_interval(secs => ${secondsAgo}))`;
}

async function lockOf(jobId: string): Promise<string | null> {
  const [row] = await database.sql<{ lockedBy: string | null }[]>`
    select locked_by as "lockedBy" from graphile_worker.jobs where id = ${jobId}::bigint`;
  return row!.lockedBy;
}

describe('releaseDeadWorkers', () => {
  it('releases the jobs of workers that stopped beating or never beat, and only theirs', async () => {
    const silent = await lockedJob('worker-silent', 60);
    const neverBeat = await lockedJob('worker-gone', 120);
    const alive = await lockedJob('worker-alive', 600);
    const justStarted = await lockedJob('worker-new', 5);
    await beat('worker-silent', 45);
    await beat('worker-alive', 2);

    const released = await releaseDeadWorkers(database.sql);

    expect(released.sort()).toEqual(['worker-gone', 'worker-silent']);
    expect(await lockOf(silent)).toBeNull();
    expect(await lockOf(neverBeat)).toBeNull();
    expect(await lockOf(alive)).toBe('worker-alive');
    expect(await lockOf(justStarted)).toBe('worker-new');
  });

  it('forgets heartbeats a day old', async () => {
    await beat('worker-old', 2 * 86_400);
    await beat('worker-recent', 10);
    await releaseDeadWorkers(database.sql);
    const rows = await database.sql<
      { id: string }[]
    >`select worker_id as id from worker_heartbeats`;
    expect(rows.map((r) => r.id)).toEqual(['worker-recent']);
  });
});

describe('startLivenessBeacon', () => {
  it('marks the ids of created pools alive, and removes them on stop', async () => {
    const events = new EventEmitter();
    const beacon = startLivenessBeacon(database.sql, events, logger);
    events.emit('pool:create', { workerPool: { id: 'worker-a' } });
    events.emit('pool:create', { workerPool: { id: 'worker-b' } });
    const ids = async () =>
      (await database.sql<{ id: string }[]>`select worker_id as id from worker_heartbeats`)
        .map((r) => r.id)
        .sort();
    await expect.poll(ids, { timeout: 2_000, interval: 20 }).toEqual(['worker-a', 'worker-b']);
    await beacon.stop();
    expect(await ids()).toEqual([]);
  });
});

describe('a real graphile-worker runner with the beacon', () => {
  it('keeps a long-running job with its live runner, and releases it once the runner stops beating', async () => {
    const events = new EventEmitter();
    const beacon = startLivenessBeacon(database.sql, events, logger);
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const runner = await run({
      connectionString: database.url,
      concurrency: 1,
      events,
      taskList: { 'test:hold': () => held },
      noHandleSignals: true,
      logger: new GraphileLogger(() => () => {}),
      preset: { worker: { pollInterval: 100 } },
    });
    try {
      const [job] = await database.sql<{ id: string }[]>`
        select id::text from graphile_worker.add_job('test:hold', '{}'::json)`;
      await expect.poll(() => lockOf(job!.id), { timeout: 10_000 }).toMatch(/^pool-/);
      // The job has run for ten minutes, as far as anyone can tell from its lock.
      await database.sql`
        update graphile_worker._private_jobs set locked_at = now() - interval '10 minutes'
        where id = ${job!.id}::bigint`;

      expect(await releaseDeadWorkers(database.sql)).toEqual([]);
      expect(await lockOf(job!.id)).toMatch(/^pool-/);

      // The process dies (no more beats); its last beat ages past the limit.
      const owner = (await lockOf(job!.id))!;
      await beacon.stop();
      await beat(owner, 60);
      expect(await releaseDeadWorkers(database.sql)).toEqual([owner]);
    } finally {
      finish();
      await runner.stop();
    }
  });
});
