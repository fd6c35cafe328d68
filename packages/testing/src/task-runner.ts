import { Logger, run, type Runner } from 'graphile-worker';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { uniqueRedisPrefix } from '@acme/db/testing';
import { useTestDatabase, type TestDatabaseFixture } from './database.ts';
import { TEST_REDIS_URL } from './redis.ts';
import { createBus, type Bus } from '@acme/realtime';
import { loadConfig } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import { createTaskList, createWorkerDeps } from '@acme/jobs';

export interface InProcessWorker {
  runner: Runner;
  bus: Bus;
  stop: () => Promise<void>;
}

/** The real task list on graphile-worker, in the test process (for tests that need no SIGKILL). */
export async function startInProcessWorker(
  database: TestDatabaseFixture,
  redis: { url: string; prefix: string },
): Promise<InProcessWorker> {
  const logger = createLogger({ level: 'error', name: 'test-worker' });
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
  });
  const bus = createBus({ url: redis.url, prefix: redis.prefix, logger });
  const { deps, beginStop } = createWorkerDeps(database, { bus, logger, config });
  const runner = await run({
    connectionString: database.url,
    concurrency: 2,
    taskList: createTaskList(deps),
    noHandleSignals: true,
    logger: new Logger(() => () => {}),
    preset: { worker: { pollInterval: 200 } },
  });
  return {
    runner,
    bus,
    stop: async () => {
      beginStop();
      await runner.stop();
      await bus.close();
    },
  };
}

export interface InProcessWorkerFixture {
  readonly database: TestDatabaseFixture;
  readonly worker: InProcessWorker;
}

/**
 * A test file's own database with the real task list running in the test process (the test Redis,
 * a prefix of its own): started before the file's tests, stopped and dropped after them. Each test
 * starts with no products and no remembered mappings.
 */
export function useInProcessWorker(): InProcessWorkerFixture {
  const database = useTestDatabase();
  let worker: InProcessWorker | undefined;
  beforeAll(async () => {
    worker = await startInProcessWorker(database, {
      url: TEST_REDIS_URL,
      prefix: uniqueRedisPrefix(),
    });
  });
  beforeEach(async () => {
    await database.sql`truncate products, import_mappings`;
  });
  afterAll(async () => {
    await worker?.stop();
  });
  return {
    database,
    get worker() {
      if (!worker) throw new Error('useInProcessWorker: the worker runs once beforeAll ran');
      return worker;
    },
  };
}
