import { createLogger, type Logger } from '@acme/runtime/logger';

/** Silent, unless `TEST_LOG_LEVEL` asks for the logs of the processes a test starts. */
export function testLogger(): Logger {
  return createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent', name: 'test' });
}
