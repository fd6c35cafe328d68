import { uniqueRedisPrefix } from '@acme/db/testing';
import { loadConfig, requireExternalServices, type Config } from '@acme/runtime/config';
import { TEST_REDIS_URL } from './redis.ts';

export type TestConfig = Config & { DATABASE_URL: string; REDIS_URL: string };

/**
 * The config a server or worker of one test file runs with: that file's database, the test Redis
 * under a prefix of its own, a free port on loopback, no logs. `overrides` are environment
 * variables, validated like the real ones (`{ WEBHOOK_ALLOW_PRIVATE: 'true' }`).
 */
export function testConfig(
  database: { url: string },
  overrides: Record<string, string> = {},
): TestConfig {
  return requireExternalServices(
    loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: uniqueRedisPrefix(),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ...overrides,
    }),
    'test',
  );
}
