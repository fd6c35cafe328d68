import type { EventEmitter } from 'node:events';
import type { Sql, TransactionSql } from '@acme/db';
import type { Logger } from '@acme/runtime/logger';

/** How often a worker process says it is alive. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A pool id silent this long (six missed beats) is dead; its jobs are released. */
export const DEAD_AFTER_SECONDS = 30;

export interface LivenessBeacon {
  /** Stops beating and removes this process's rows (a clean stop leaves nothing to rescue). */
  stop: () => Promise<void>;
}

/**
 * Records the ids of this process's graphile-worker pools (from the runners' `pool:create`
 * events) and keeps their `worker_heartbeats` rows fresh. graphile-worker 0.18 locks every job
 * with its *pool's* id (`locked_by = pool-…`), not with the per-slot worker ids of
 * `worker:create`, so the pool id is what proves a lock's owner alive. Pass the same `events`
 * emitter to graphile-worker's `run()`, and give the beacon a connection of its own, so a busy
 * pool (an import's COPY, slow deliveries) can never hold a beat back until it looks dead. A
 * failed beat is logged and retried on the next tick: a database blip must not stop the
 * process, and six missed beats are needed before anyone acts on it.
 */
export function startLivenessBeacon(
  sql: Sql,
  events: EventEmitter,
  logger: Logger,
): LivenessBeacon {
  const poolIds = new Set<string>();
  events.on('pool:create', ({ workerPool }: { workerPool: { id: string } }) => {
    poolIds.add(workerPool.id);
    void beat();
  });

  let beating: Promise<void> = Promise.resolve();
  const beat = (): Promise<void> => {
    beating = beating.then(async () => {
      if (poolIds.size === 0) return;
      try {
        await sql`
          insert into worker_heartbeats (worker_id, beat_at)
          select unnest(${[...poolIds]}::text[]), now()
          on conflict (worker_id) do update set beat_at = excluded.beat_at`;
      } catch (error) {
        logger.warn({ err: error }, 'worker heartbeat not recorded; retrying on the next beat');
      }
    });
    return beating;
  };
  const timer = setInterval(() => void beat(), HEARTBEAT_INTERVAL_MS);
  timer.unref();

  return {
    stop: async () => {
      clearInterval(timer);
      await beating;
      if (poolIds.size === 0) return;
      await sql`delete from worker_heartbeats where worker_id = any(${[...poolIds]}::text[])`;
    },
  };
}

/**
 * Releases every job locked by a pool id with no recent heartbeat (its process was killed, ran
 * out of memory or lost its machine), so another worker takes it now rather than after
 * graphile-worker's 4-hour lock expiry. Only locks older than the dead-after period count, so a
 * worker that has just started (and not yet beaten) is never mistaken for a dead one. Also
 * forgets heartbeat rows a day old. Returns the released pool ids.
 */
export async function releaseDeadWorkers(sql: Sql): Promise<string[]> {
  const dead = await sql<{ poolId: string }[]>`
    select distinct j.locked_by as "poolId"
    from graphile_worker.jobs j
    where j.locked_by is not null
      and j.locked_at < now() - make_interval(secs => ${DEAD_AFTER_SECONDS})
      and not exists (
        select 1 from worker_heartbeats h
        where h.worker_id = j.locked_by
          and h.beat_at > now() - make_interval(secs => ${DEAD_AFTER_SECONDS}))`;
  const poolIds = dead.map((row) => row.poolId);
  if (poolIds.length > 0) {
    await sql`select graphile_worker.force_unlock_workers(${poolIds}::text[])`;
  }
  await sql`delete from worker_heartbeats where beat_at < now() - interval '1 day'`;
  return poolIds;
}

/**
 * Whether the job with this key is running on a live worker right now (locked by a pool that
 * beats). A job that waits, is spent, or is held by a dead worker is not: its work can be
 * cancelled or started again without racing anyone.
 */
export async function isJobRunningLive(
  sql: Sql | TransactionSql,
  jobKey: string,
): Promise<boolean> {
  const [row] = await sql<{ live: boolean }[]>`
    select exists (
      select 1 from graphile_worker.jobs j
      join worker_heartbeats h on h.worker_id = j.locked_by
      where j.key = ${jobKey}
        and h.beat_at > now() - make_interval(secs => ${DEAD_AFTER_SECONDS})
    ) as live`;
  return row?.live ?? false;
}
