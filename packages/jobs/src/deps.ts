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
}
