import { createApiClient, type ApiClient } from '@acme/api/client';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import { loadConfig, requireExternalServices, type Config } from '@acme/runtime/config';
import { createLogger, type Logger } from '@acme/runtime/logger';
import { startServer, type RunningServer } from '../src/app.ts';

export interface TestServer {
  server: RunningServer;
  database: TestDatabase;
  config: Config;
  /** The typed client another TypeScript service would use. */
  client: ApiClient;
  close: () => Promise<void>;
}

/** A real server on a free port, on its own database and Redis prefix. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { logger?: Logger; token?: string } = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = requireExternalServices(
    loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: uniqueRedisPrefix(),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ...env,
    }),
    'test server',
  );
  const logger = options.logger ?? createLogger({ level: 'silent', name: 'test' });
  const server = await startServer(config, logger);
  const api = createApiClient({ baseUrl: server.url, token: () => options.token });
  return {
    server,
    database,
    config,
    client: api.client,
    close: async () => {
      api.close();
      await server.close();
      await database.drop();
    },
  };
}
