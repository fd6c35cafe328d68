import { Logger as GraphileLogger } from 'graphile-worker';
import type { Logger } from '@acme/runtime/logger';

/**
 * graphile-worker's log lines go through pino with their scope (task, job id). It reports every
 * job that succeeds at info; housekeeping runs every few seconds and the tasks log what they did
 * themselves, so a success is debug (failures keep their level).
 */
export function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const pinoLevel =
      level === 'warning'
        ? 'warn'
        : level === 'info' && meta?.['success'] === true
          ? 'debug'
          : level;
    logger[pinoLevel]({ ...scope, ...meta }, message);
  });
}
