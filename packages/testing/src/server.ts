import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { createApiClient, type ApiClient } from '@acme/api/client';
import type { Db, Sql } from '@acme/db';
import { createTestDatabase, type TestDatabase } from '@acme/db/testing';
import { createBus, type Bus } from '@acme/realtime';
import type { Logger } from '@acme/runtime/logger';
import { startServer } from '@acme/server/app';
import { testConfig, type TestConfig } from './config.ts';
import { testLogger } from './logger.ts';
import { TEST_REDIS_URL } from './redis.ts';

export interface TestServer {
  url: string;
  /** The Node server, to watch its requests. */
  server: Server;
  config: TestConfig;
  database: TestDatabase;
  db: Db;
  sql: Sql;
  /**
   * A bus on the server's Redis prefix, always on the test Redis (even when the server was given
   * one that is down): with it the test plays the worker, publishing what a worker would.
   */
  bus: Bus;
  /** The typed client another TypeScript service would use. */
  api: ApiClient;
  /** How many times the client's WebSocket has opened. */
  webSocketOpens: () => number;
  /** Cuts every connection to the server, WebSockets included, as a network failure would. */
  dropConnections: () => void;
  close: () => Promise<void>;
}

/**
 * The real server on a free port, with its own database and Redis prefix, plus a typed client.
 * `env` overrides the config as environment variables would (`{ ADMIN_PASSWORD: '…' }`).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { logger?: Logger; token?: string } = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = testConfig(database, env);
  const logger = options.logger ?? testLogger();
  const running = await startServer(config, logger);
  const sockets = new Set<Socket>();
  running.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const bus = createBus({ url: TEST_REDIS_URL, prefix: config.REDIS_PREFIX, logger });
  await bus.ready();
  let webSocketOpens = 0;
  const api = createApiClient({
    baseUrl: running.url,
    token: () => options.token,
    onConnectionChange: (state) => {
      if (state === 'open') webSocketOpens++;
    },
  });
  return {
    url: running.url,
    server: running.server,
    config,
    database,
    db: database.db,
    sql: database.sql,
    bus,
    api: api.client,
    webSocketOpens: () => webSocketOpens,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      api.close();
      await bus.close();
      await running.close();
      await database.drop();
    },
  };
}
