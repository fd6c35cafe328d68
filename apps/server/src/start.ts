// Started by main.ts once the module hooks are registered.
import { migrateDatabase } from '@acme/db/migrate';
import { ConfigError, loadConfig, requireExternalServices } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import { onShutdown } from '@acme/runtime/shutdown';
import { startServer } from './app.ts';

let config;
try {
  config = requireExternalServices(loadConfig(), 'server (`pnpm start:server`)');
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(78); // EX_CONFIG
}
const logger = createLogger({ level: config.LOG_LEVEL, name: 'server' });
await migrateDatabase(config.DATABASE_URL);
const running = await startServer(config, logger);
logger.info({ port: running.port }, `listening on http://localhost:${running.port}`);
onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, [
  { name: 'http and websocket', run: running.close },
]);
