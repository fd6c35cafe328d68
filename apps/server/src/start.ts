// Started by main.ts once the module hooks are registered.
import { migrateDatabase } from '@acme/db/migrate';
import { configOrExit, loadConfig, requireExternalServices } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import { onShutdown } from '@acme/runtime/shutdown';
import { startServer } from './app.ts';

const config = configOrExit(() =>
  requireExternalServices(loadConfig(), 'server (`pnpm start:server`)'),
);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'server' });
await migrateDatabase(config.DATABASE_URL);
const running = await startServer(config, logger);
logger.info({ port: running.port }, `listening on http://localhost:${running.port}`);
onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, [
  { name: 'http and websocket', run: running.close },
]);
