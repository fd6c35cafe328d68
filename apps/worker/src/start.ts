// Started by main.ts once the module hooks are registered.
import { migrateDatabase } from '@acme/db/migrate';
import { configOrExit, loadConfig, requireExternalServices } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import { onShutdown } from '@acme/runtime/shutdown';
import { containLostConnections } from './lost-connections.ts';
import { startWorker } from './worker.ts';

const config = configOrExit(() =>
  requireExternalServices(loadConfig(), 'worker (`pnpm start:worker`)'),
);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
containLostConnections(logger);
await migrateDatabase(config.DATABASE_URL);
const worker = await startWorker(config, logger);
logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'worker started');
onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, [
  { name: 'graphile-worker drain', run: worker.stop },
]);
