import { EventEmitter } from 'node:events';
import { run, type Runner } from 'graphile-worker';
import pg from 'pg';
import { createDatabase } from '@acme/db';
import {
  createTaskList,
  createWebhookDeliveryTasks,
  createWorkerDeps,
  cronItems,
  enqueueRescue,
  startLivenessBeacon,
} from '@acme/jobs';
import { createConfiguredBus, type Bus } from '@acme/realtime';
import type { Config } from '@acme/runtime/config';
import type { Logger } from '@acme/runtime/logger';
import { graphileLogger } from './graphile-logger.ts';

export interface RunningWorker {
  runner: Runner;
  /** Runs webhook deliveries only, with WEBHOOK_CONCURRENCY slots of its own. */
  deliveryRunner: Runner;
  /** Graceful: stops taking jobs, lets running ones finish (or abort cooperatively), closes pools. */
  stop: () => Promise<void>;
}

/**
 * `shared.bus`: the bus of the server in the same process (single-process mode); otherwise the
 * worker opens its own over REDIS_URL (or, without one, an in-process bus nobody else hears).
 */
export async function startWorker(
  config: Config & { DATABASE_URL: string },
  logger: Logger,
  shared: { bus?: Bus } = {},
): Promise<RunningWorker> {
  const database = createDatabase(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
  const ownBus = shared.bus
    ? undefined
    : createConfiguredBus({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, logger });
  const bus = shared.bus ?? ownBus!;
  const { deps, beginStop } = createWorkerDeps(database, { bus, logger, config });
  const preset = {
    worker: { pollInterval: 1_000, gracefulShutdownAbortTimeout: config.SHUTDOWN_TIMEOUT_MS },
  };
  // One pool for both runners, owned here: graphile-worker ends a pool it made without waiting and
  // removes its error listener at once, so PostgreSQL stopping right after (the embedded one at
  // shutdown) made an idle client's 'error' event crash the process.
  const pgPool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.WORKER_CONCURRENCY + config.WEBHOOK_CONCURRENCY + 2,
  });
  // Errors on idle clients (pool) and on checked-out ones (client) are logged, never fatal: pg
  // rejects the query in flight, and graphile-worker retries the job.
  pgPool.on('error', (error) =>
    logger.warn({ err: error }, 'idle graphile-worker connection lost'),
  );
  pgPool.on('connect', (client) =>
    client.on('error', (error) => logger.warn({ err: error }, 'graphile-worker connection lost')),
  );
  // Both runners report their pool ids here (the ids their jobs are locked with); the beacon
  // keeps them marked alive over a connection of its own, which busy tasks cannot hold up.
  const events = new EventEmitter();
  const beaconDatabase = createDatabase(config.DATABASE_URL, { max: 1 });
  const beacon = startLivenessBeacon(beaconDatabase.sql, events, logger);
  const runner = await run({
    pgPool,
    events,
    concurrency: config.WORKER_CONCURRENCY,
    taskList: createTaskList(deps),
    parsedCronItems: cronItems,
    noHandleSignals: true,
    logger: graphileLogger(logger),
    preset,
  });
  // A runner only takes jobs of the tasks it knows, so deliveries (HTTP-bound, possibly to slow
  // endpoints) and imports never wait for each other's slots.
  const deliveries = createWebhookDeliveryTasks(deps);
  const deliveryRunner = await run({
    pgPool,
    events,
    concurrency: config.WEBHOOK_CONCURRENCY,
    taskList: deliveries.taskList,
    noHandleSignals: true,
    logger: graphileLogger(logger.child({ runner: 'webhooks' })),
    preset,
  });
  // Look for imports a dead worker left behind right away, not at the next minute's cron.
  await enqueueRescue(database.sql);
  return {
    runner,
    deliveryRunner,
    stop: async () => {
      beginStop();
      await Promise.all([runner.stop(), deliveryRunner.stop()]);
      await beacon.stop();
      await beaconDatabase.close();
      await pgPool.end();
      await deliveries.close();
      await ownBus?.close();
      await database.close();
    },
  };
}
