import type { Task } from 'graphile-worker';
import type { Sql } from 'postgres';
import type { JobDeps } from '../deps.ts';
import { enqueueJob } from '../enqueue.ts';
import { releaseDeadWorkers } from '../liveness/worker-liveness.ts';
import { failImport } from './finish-import.ts';

export const RESCUE_STALLED_IMPORTS = 'import:rescue_stalled';

/** A working import's heartbeat is written every 0.5 s; this much silence means its worker died. */
export const STALE_HEARTBEAT_SECONDS = 30;

/** How often the check runs (graphile cron only goes down to a minute; the task re-enqueues itself). */
export const RESCUE_INTERVAL_MS = 10_000;

interface StalledImport {
  id: string;
  lockedBy: string | null;
  jobExists: boolean;
}

/**
 * Finds imports whose worker died mid-way (SIGKILL, OOM, lost machine). graphile-worker would only
 * consider such a job abandoned after 4 hours; here its worker's locks are released at once, so
 * another worker (or the restarted one) retries the import. The import ran in one transaction
 * that died with its connection, so the catalogue is as before. An import left without any job
 * (e.g. its attempts ran out while the worker was dead) is marked failed, so it never hangs.
 * Returns the ids it acted on.
 */
export async function rescueStalledImports(
  deps: Pick<JobDeps, 'sql' | 'bus' | 'logger'>,
): Promise<string[]> {
  const stalled = await findStalled(deps.sql);
  const workers = [...new Set(stalled.flatMap((s) => (s.lockedBy ? [s.lockedBy] : [])))];
  if (workers.length > 0) {
    await deps.sql`select graphile_worker.force_unlock_workers(${workers}::text[])`;
    deps.logger.warn(
      { workers, imports: stalled.map((s) => s.id) },
      'released the jobs of dead workers',
    );
  }
  for (const orphan of stalled.filter((s) => !s.jobExists)) {
    await failImport(
      deps,
      orphan.id,
      'The worker processing this import stopped and no retry is left; retry the import.',
    );
  }
  await dropOrphanStagingTables(deps.sql);
  return stalled.filter((s) => s.lockedBy || !s.jobExists).map((s) => s.id);
}

/** Staging tables whose import is no longer working (its worker died after the import ended). */
async function dropOrphanStagingTables(sql: Sql): Promise<void> {
  const orphans = await sql<{ name: string }[]>`
    select c.relname as name
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
    where c.relkind = 'r'
      and c.relname ~ '^import_(stage|latest)_[0-9a-f]{32}$'
      and not exists (
        select 1 from imports i
        where replace(i.id::text, '-', '') = substring(c.relname from '[0-9a-f]{32}$')
          and i.status in ('queued', 'parsing', 'importing'))`;
  for (const { name } of orphans) await sql.unsafe(`drop table if exists ${name}`);
}

async function findStalled(sql: Sql): Promise<StalledImport[]> {
  return sql<StalledImport[]>`
    select i.id, j.locked_by as "lockedBy", (j.id is not null) as "jobExists"
    from imports i
    left join graphile_worker.jobs j on j.key = 'import:' || i.id::text
    where i.status in ('parsing', 'importing')
      and i.heartbeat_at < now() - make_interval(secs => ${STALE_HEARTBEAT_SECONDS})
      and (j.id is null or j.locked_by is not null)`;
}

/**
 * The task: one check, then the next one in RESCUE_INTERVAL_MS (a job key keeps the chain single;
 * the minute cron restarts it if it ever breaks, and the worker enqueues it when it starts).
 * Besides imports, it releases any job (a webhook delivery, maintenance) whose worker process
 * stopped beating (see worker-liveness.ts).
 */
export function rescueStalledImportsTask(deps: JobDeps): Task {
  return async () => {
    const released = await releaseDeadWorkers(deps.sql);
    if (released.length > 0) {
      deps.logger.warn({ workers: released }, 'released the jobs of workers that stopped beating');
    }
    await rescueStalledImports(deps);
    await enqueueRescue(deps.sql, new Date(Date.now() + RESCUE_INTERVAL_MS));
  };
}

export async function enqueueRescue(sql: Sql, runAt?: Date): Promise<void> {
  await enqueueJob(
    sql,
    RESCUE_STALLED_IMPORTS,
    {},
    {
      jobKey: RESCUE_STALLED_IMPORTS,
      ...(runAt ? { runAt } : {}),
      maxAttempts: 1,
    },
  );
}
