import { Logger, run, type Runner } from 'graphile-worker';
import type { TestDatabase } from '@acme/db/testing';
import { createBus, type Bus } from '@acme/realtime';
import { loadConfig } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import { createTaskList } from '@acme/jobs';

export interface InProcessWorker {
  runner: Runner;
  bus: Bus;
  stop: () => Promise<void>;
}

/** The real task list on graphile-worker, in the test process (for tests that need no SIGKILL). */
export async function startInProcessWorker(
  database: TestDatabase,
  redis: { url: string; prefix: string },
): Promise<InProcessWorker> {
  const logger = createLogger({ level: 'error', name: 'test-worker' });
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
  });
  const bus = createBus({ url: redis.url, prefix: redis.prefix, logger });
  const stopping = new AbortController();
  const runner = await run({
    connectionString: database.url,
    concurrency: 2,
    taskList: createTaskList({
      sql: database.sql,
      db: database.db,
      bus,
      logger,
      config,
      stopping: stopping.signal,
    }),
    noHandleSignals: true,
    logger: new Logger(() => () => {}),
    preset: { worker: { pollInterval: 200 } },
  });
  return {
    runner,
    bus,
    stop: async () => {
      stopping.abort();
      await runner.stop();
      await bus.close();
    },
  };
}
