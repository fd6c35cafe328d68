import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { API_LIMITS, appRouter, ProductListCache, type Context } from '@acme/api';
import { createDatabase } from '@acme/db';
import {
  createConfiguredBus,
  createMemoryAttemptLimiter,
  createRedis,
  createRedisAttemptLimiter,
  type Bus,
  type AttemptLimiter,
} from '@acme/realtime';
import type { Config } from '@acme/runtime/config';
import type { Logger } from '@acme/runtime/logger';
import { createAccessControl } from './auth/access-control.ts';
import { FOREIGN_ORIGIN_MESSAGE } from './auth/origins.ts';
import { createSessionRoutes } from './auth/session-routes.ts';
import { createSocketSessions } from './auth/socket-sessions.ts';
import { createHealthHandler } from './health.ts';
import { sendError } from './http-utils.ts';
import { createStaticHandler, DEFAULT_WEB_DIST_DIR } from './static.ts';
import { createImportRoutes } from './imports/routes.ts';
import { handleProductsCsv, PRODUCTS_CSV_PATH } from './products-export-csv.ts';
import { guardWebSocket } from './ws-guard.ts';
import { AppError, internalErrorMessage } from '@acme/shared';

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Graceful: tells WebSocket clients to reconnect, lets in-flight requests finish, closes pools. */
  close: () => Promise<void>;
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
}

/** Services shared with the worker when both run in one process (no Redis). */
export interface SharedServices {
  bus?: Bus;
  attemptLimiter?: AttemptLimiter;
}

export async function startServer(
  config: Config & { DATABASE_URL: string },
  logger: Logger,
  shared: SharedServices = {},
): Promise<RunningServer> {
  const database = createDatabase(config.DATABASE_URL, {
    max: config.DATABASE_POOL_MAX,
    jit: false,
  });
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
  redis?.on('error', () => {}); // reported by /health/ready; the bus logs its own connection errors
  const ownBus = shared.bus
    ? undefined
    : createConfiguredBus({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, logger });
  const bus = shared.bus ?? ownBus!;
  // Sign-in attempts are limited per address across every server of the deployment (Redis);
  // in memory only when this is the one process (no REDIS_URL).
  const attemptLimiter =
    shared.attemptLimiter ??
    (redis
      ? createRedisAttemptLimiter({
          redis,
          prefix: config.REDIS_PREFIX,
          onError: (error) =>
            logger.warn({ err: error }, 'Redis unreachable: sign-in attempts counted per server'),
        })
      : createMemoryAttemptLimiter());
  const access = createAccessControl(config, database.sql);
  const socketSessions = createSocketSessions({ bus, sessions: access.sessions, logger });
  if (!access.required && config.NODE_ENV === 'production') {
    logger.warn(
      'ACCESS CONTROL IS OFF: anyone who reaches this server can read and change the catalogue. ' +
        'Set ADMIN_PASSWORD (dashboard sign-in) and/or API_TOKENS (other services).',
    );
  }
  const sessionRoutes = createSessionRoutes({
    access,
    attemptLimiter,
    logger,
    onRevoked: (sessionId) => socketSessions.revoke(sessionId),
  });
  let shuttingDown = false;

  const services = {
    db: database.db,
    sql: database.sql,
    bus,
    productList: new ProductListCache(database.sql),
    config: {
      MAX_UPLOAD_BYTES: config.MAX_UPLOAD_BYTES,
      WEBHOOK_ALLOW_PRIVATE: config.WEBHOOK_ALLOW_PRIVATE,
      IMPORT_UNDO_DAYS: config.IMPORT_UNDO_DAYS,
    },
  };
  const contextFor = (requestId: string, caller: Context['caller']): Context => ({
    ...services,
    requestId,
    logger: logger.child({ requestId }),
    caller,
    authRequired: access.required,
  });

  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // Inputs are small JSON (every string and array is bounded); files use the upload route.
    maxBodySize: API_LIMITS.maxBodyBytes,
    maxBatchSize: API_LIMITS.maxBatchSize,
    createContext: async ({ req }) =>
      contextFor(String(req.headers['x-request-id']), await access.identify(req)),
    onError: ({ error, path, ctx }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        (ctx?.logger ?? logger).error({ err: error, path }, 'procedure failed');
      }
    },
  });
  const importRoutes = createImportRoutes({
    databaseUrl: config.DATABASE_URL,
    sql: database.sql,
    logger,
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    maxConcurrent: config.UPLOAD_MAX_CONCURRENT,
    maxPerClient: config.UPLOAD_MAX_PER_CLIENT,
    idleTimeoutMs: config.UPLOAD_IDLE_TIMEOUT_MS,
  });
  const health = createHealthHandler({
    sql: database.sql,
    redis,
    isShuttingDown: () => shuttingDown,
  });

  const serveWeb = createStaticHandler(config.WEB_DIST_DIR ?? DEFAULT_WEB_DIST_DIR);

  const server = createServer((req, res) => {
    const requestId = requestIdOf(req);
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      logger.debug(
        {
          requestId,
          method: req.method,
          url: req.url,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    void (async () => {
      const path = (req.url ?? '').split('?')[0]!;
      if (path.startsWith('/trpc/')) return trpcHandler(req, res);
      if (await health(req, res)) return;
      if (path === '/api/session') return sessionRoutes(req, res);
      // Every other route under /api (uploads, error downloads) sits behind this guard.
      if (path.startsWith('/api/') && !(await access.requireAuth(req, res))) return;
      if (path === PRODUCTS_CSV_PATH)
        return handleProductsCsv(req, res, { sql: database.sql, logger });
      if (await importRoutes.handle(req, res)) return;
      if (await serveWeb(req, res)) return;
      throw new AppError('NOT_FOUND', `Nothing at ${req.method} ${req.url}`);
    })().catch((error: unknown) => {
      if (!(error instanceof AppError)) logger.error({ err: error, requestId }, 'request failed');
      if (!res.headersSent) sendError(res, error, requestId);
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({
    server,
    path: '/ws',
    maxPayload: API_LIMITS.maxBodyBytes,
    // A page of another origin must not ride on this server's cookie (or network position).
    verifyClient: (info, done) => {
      access.allowsWebSocket(info.req).then(
        (allowed) => done(allowed, 403, FOREIGN_ORIGIN_MESSAGE),
        (error: unknown) => {
          logger.error({ err: error }, 'WebSocket handshake check failed');
          done(false, 500, internalErrorMessage(undefined));
        },
      );
    },
  });
  const serveWebSocket = getWSConnectionHandler({
    wss,
    router: appRouter,
    // Once per connection: the handshake's cookie, or the client's `connectionParams.token`.
    createContext: async ({ req, res, info }) => {
      const caller = await access.identify(req, info.connectionParams);
      if (caller.kind === 'session') socketSessions.add(caller.sessionId, res);
      return { ...contextFor(requestIdOf(req), caller), subscriptionSlots: { running: 0 } };
    },
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        logger.error({ err: error, path }, 'subscription failed');
    },
  });
  wss.on('connection', (client, req) => guardWebSocket(client, req, serveWebSocket));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const close = async () => {
    shuttingDown = true;
    socketSessions.close();
    // tRPC's reconnect notification: clients reconnect (to another server) before this one stops.
    const reconnect = JSON.stringify({ id: null, method: 'reconnect' });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(reconnect);
    const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets become idle as their in-flight requests finish; close each as it does.
    const reaper = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    for (const client of wss.clients) client.close(1012, 'server restarting');
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await httpClosed;
    clearInterval(reaper);
    await ownBus?.close();
    redis?.disconnect();
    await importRoutes.close();
    await database.close();
  };
  return { server, url, port, close };
}
