import type { Logger } from '@acme/runtime/logger';

/** SQLSTATEs and client codes of a session that PostgreSQL ended or that could not be reached. */
const LOST_CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, or a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '08000',
  '08001',
  '08003',
  '08006',
  'CONNECTION_CLOSED', // postgres.js
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);

export function isLostConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOST_CONNECTION_CODES.has(code);
}

/**
 * When PostgreSQL terminates a session under a running import, the database client can reject
 * a promise nobody awaits any more (the COPY's query, after its stream already failed the
 * attempt). Node would end the whole worker for it, stopping every other job. Such a rejection
 * is logged and contained: the job that owned the session has already failed its attempt and is
 * retried. Anything else still ends the process, as it should.
 */
export function containLostConnections(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (!isLostConnection(reason)) throw reason;
    logger.warn(
      { err: reason },
      'a query on a lost PostgreSQL session rejected with nobody waiting; its job retries',
    );
  });
}
