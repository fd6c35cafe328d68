// `pnpm start` without DATABASE_URL or REDIS_URL: the server and the worker in ONE process, with
// an embedded PostgreSQL when DATABASE_URL is unset and an in-process bus and rate limiter when
// REDIS_URL is unset (both only valid for this single process).
import {
  EmbeddedPostgresUnusable,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '@acme/db/embedded';
import { migrateDatabase } from '@acme/db/migrate';
import { createMemoryBus, createMemoryAttemptLimiter, type Bus } from '@acme/realtime';
import { configOrExit, loadConfig } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import { onShutdown } from '@acme/runtime/shutdown';
import { startWorker } from '@acme/worker/worker';
import { startServer } from './app.ts';

const config = configOrExit(() => loadConfig());
const logger = createLogger({ level: config.LOG_LEVEL, name: 'app' });

let embedded: EmbeddedPostgres | undefined;
let bus: Bus | undefined;
try {
  if (!config.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({ dataDir: config.EMBEDDED_POSTGRES_DIR, logger });
    logger.info(
      { dataDir: embedded.dataDir, port: embedded.port },
      'DATABASE_URL is unset: using the embedded PostgreSQL',
    );
  }
  const resolved = { ...config, DATABASE_URL: config.DATABASE_URL ?? embedded!.url };
  if (!config.REDIS_URL) {
    bus = createMemoryBus();
    logger.warn(
      'REDIS_URL is unset: live updates and rate limits stay inside this process. ' +
        'That is right for one process only; set REDIS_URL before running more servers or workers.',
    );
  }
  await migrateDatabase(resolved.DATABASE_URL);
  const shared = bus ? { bus, attemptLimiter: createMemoryAttemptLimiter() } : {};
  const server = await startServer(resolved, logger.child({ process: 'server' }), shared);
  const worker = await startWorker(resolved, logger.child({ process: 'worker' }), shared);
  logger.info({ port: server.port }, `listening on http://localhost:${server.port}`);
  onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, [
    { name: 'http and websocket', run: server.close },
    { name: 'graphile-worker drain', run: worker.stop },
    { name: 'in-process bus', run: () => bus?.close() },
    // Last, once nothing uses it any more.
    { name: 'embedded postgres', run: () => embedded?.stop() },
  ]);
} catch (error) {
  if (error instanceof EmbeddedPostgresUnusable) {
    // Nothing started and nothing to debug: the one sentence on what to do, without a stack.
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  logger.fatal({ err: error }, 'start failed');
  await embedded?.stop();
  process.exit(1);
}
