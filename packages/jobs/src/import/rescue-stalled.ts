import type { Task } from 'graphile-worker';
import type { Sql } from 'postgres';
import type { JobDeps } from '../deps.ts';
import { enqueueJob } from '../enqueue.ts';
import { releaseDeadWorkers } from '../liveness/worker-liveness.ts';
import { IMPORT_JOB_KEY_PREFIX } from './enqueue-import.ts';
import { failImport } from './state/index.ts';

export const RESCUE_STALLED_IMPORTS = 'import:rescue_stalled';

/** How often the check runs (graphile cron only goes down to a minute; the task re-enqueues itself). */
export const RESCUE_INTERVAL_MS = 10_000;

interface OrphanedImport {
  id: string;
  /** The spent job's attempts, or null when the import has no job at all. */
  attempts: number | null;
  lastError: string | null;
}

/**
 * Ends imports that nothing will ever run again. A worker that dies mid-import (SIGKILL, OOM, a
 * lost machine) loses its locks through `releaseDeadWorkers`, and graphile-worker retries the
 * job; but when that was its last attempt, or the attempt died before it could record its
 * failure (PostgreSQL restarting under it), the job is spent and the import would stay
 * `parsing` or `importing` forever. Such an import, or one whose job is gone, is marked failed
 * with the reason, so it can be retried. Imports whose job is still locked are left alone: only
 * the liveness of the lock's owner decides whether a running job is taken away (never from a
 * live worker, however long it runs). Returns the ids it failed.
 */
export async function rescueStalledImports(
  deps: Pick<JobDeps, 'sql' | 'bus' | 'logger'>,
): Promise<string[]> {
  const orphans = await findOrphanedImports(deps.sql);
  for (const orphan of orphans) {
    await failImport(deps, orphan.id, orphanReason(orphan));
  }
  if (orphans.length > 0) {
    deps.logger.warn({ imports: orphans.map((o) => o.id) }, 'failed imports that no job will run');
  }
  await dropOrphanStagingTables(deps.sql);
  return orphans.map((o) => o.id);
}

function orphanReason({ attempts, lastError }: OrphanedImport): string {
  if (attempts === null) return 'The import lost its background job; retry the import.';
  const last = lastError ? ` The last one ended with: ${lastError.split('\n')[0]}` : '';
  return `The import was interrupted ${attempts} times and no attempt is left; retry the import.${last}`;
}

/**
 * Staging tables whose import is no longer working (its worker died after the import ended). An
 * import waiting in `review` keeps its own: its write reuses them (history:prune ends a review
 * abandoned for a day).
 */
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
          and i.status in ('queued', 'parsing', 'review', 'importing'))`;
  for (const { name } of orphans) await sql.unsafe(`drop table if exists ${name}`);
}

/**
 * Working imports without a job that will run: none at all, or one whose attempts are spent. An
 * import in `review` has no job on purpose (it waits for a person) and is not among them.
 */
async function findOrphanedImports(sql: Sql): Promise<OrphanedImport[]> {
  return sql<OrphanedImport[]>`
    select i.id, j.attempts, j.last_error as "lastError"
    from imports i
    left join graphile_worker.jobs j on j.key = ${IMPORT_JOB_KEY_PREFIX} || i.id::text
    where i.status in ('queued', 'parsing', 'importing')
      and (j.id is null or (j.locked_by is null and j.attempts >= j.max_attempts))`;
}

/**
 * The task: one check, then the next one in RESCUE_INTERVAL_MS (a job key keeps the chain single;
 * the minute cron restarts it if it ever breaks, and the worker enqueues it when it starts).
 * First it releases every job (an import, a webhook delivery, maintenance) whose worker process
 * stopped beating (see worker-liveness.ts), then it fails imports no job will run.
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
