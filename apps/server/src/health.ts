import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from '@acme/db';
import { pingRedis, type Redis } from '@acme/realtime';
import { sendJson } from './http-utils.ts';

async function pingPostgres(sql: Sql, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const query = sql`select 1`.then(() => true).catch(() => false);
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/health/live`: the process runs. `/health/ready`: Postgres and Redis both answer; otherwise
 * 503 with the names of what is down, so a load balancer stops sending traffic here. Without
 * Redis (single-process mode) the Redis check reads `in-process`.
 */
export function createHealthHandler(deps: {
  sql: Sql;
  redis: Redis | undefined;
  isShuttingDown: () => boolean;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/health/live') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (path !== '/health/ready') return false;
    const [postgres, redis] = await Promise.all([
      pingPostgres(deps.sql, 1_000),
      deps.redis ? pingRedis(deps.redis, 1_000) : true,
    ]);
    const down = [!postgres && 'postgres', !redis && 'redis'].filter((name) => name !== false);
    if (deps.isShuttingDown()) down.push('shutting down');
    const checks = {
      postgres: postgres ? 'up' : 'down',
      redis: deps.redis ? (redis ? 'up' : 'down') : 'in-process',
    };
    if (down.length === 0) sendJson(res, 200, { status: 'ok', checks });
    else
      sendJson(res, 503, {
        status: 'unavailable',
        down,
        message: `${down.join(', ')} down`,
        checks,
      });
    return true;
  };
}
