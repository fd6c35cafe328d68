import type { TestDatabaseFixture } from './database.ts';
import type { Logger } from '@acme/runtime/logger';
import { startWorker, type RunningWorker } from '@acme/worker/worker';
import { testConfig, type TestConfig } from './config.ts';
import { testLogger } from './logger.ts';

export interface TestWorker extends RunningWorker {
  config: TestConfig;
}

/**
 * The real worker (both runners, every task) in the test process, on the test file's database
 * and a Redis prefix of its own; `env` overrides the config as environment variables would.
 * Tests that must SIGKILL a worker spawn the process instead.
 */
export async function startTestWorker(
  database: TestDatabaseFixture,
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<TestWorker> {
  const config = testConfig(database, env);
  const running = await startWorker(config, options.logger ?? testLogger());
  return { ...running, config };
}
