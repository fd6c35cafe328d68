import type { Db, Sql } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { Config } from '@acme/runtime/config';
import type { Logger } from '@acme/runtime/logger';

/** What every task handler may use; the worker process builds it once. */
export interface JobDeps {
  sql: Sql;
  db: Db;
  bus: Bus;
  logger: Logger;
  config: Config;
  /**
   * Aborted when the worker begins a graceful stop: a long task (an import) hands its work back
   * to the queue at once instead of holding the shutdown up; short ones just finish.
   */
  stopping: AbortSignal;
}

/** The task handlers' dependencies, and how to tell them the worker is stopping. */
export interface WorkerDeps {
  deps: JobDeps;
  /** Aborts `deps.stopping`: call it before stopping the runners. */
  beginStop: () => void;
}

/**
 * Builds the deps the way every runner of the task list does (the worker process, the test kit's
 * in-process worker): on one database's pools, with a stop signal of their own.
 */
export function createWorkerDeps(
  database: { sql: Sql; db: Db },
  services: Pick<JobDeps, 'bus' | 'logger' | 'config'>,
): WorkerDeps {
  const stopping = new AbortController();
  return {
    deps: { sql: database.sql, db: database.db, ...services, stopping: stopping.signal },
    beginStop: () => stopping.abort(),
  };
}
