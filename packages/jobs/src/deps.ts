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
