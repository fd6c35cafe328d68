import type { TaskList } from 'graphile-worker';
import { createRedis } from '@acme/realtime';
import type { JobDeps } from '../deps.ts';
import { deliverWebhook } from './deliver-task.ts';
import { DELIVER_WEBHOOK } from './enqueue-deliveries.ts';
import { createMemoryDeliveryPacer, createRedisDeliveryPacer } from './delivery-pacer.ts';
import { createWebhookAgent } from './send.ts';

export interface WebhookDeliveryTasks {
  taskList: TaskList;
  close: () => Promise<void>;
}

/**
 * The webhook delivery task with what it holds open: a Redis connection for the shared rate
 * limit and the HTTP agent (kept-alive connections to endpoints). The worker runs these tasks in
 * their own graphile-worker runner, with their own concurrency (WEBHOOK_CONCURRENCY), so slow
 * endpoints cannot take the slots imports need, nor a long import delay deliveries.
 */
export function createWebhookDeliveryTasks(deps: JobDeps): WebhookDeliveryTasks {
  // Queue commands while (re)connecting, so the first deliveries after a start do not fail;
  // a real outage still fails a reservation within seconds (maxRetriesPerRequest, commandTimeout).
  // Without REDIS_URL (single-process mode) every delivery runs here: an in-memory limit holds.
  const redis = deps.config.REDIS_URL
    ? createRedis(deps.config.REDIS_URL, { enableOfflineQueue: true, commandTimeout: 2_000 })
    : undefined;
  redis?.on('error', () => {}); // a failed reservation reschedules the delivery and logs it
  const limitPerWindow = deps.config.WEBHOOK_RATE_LIMIT_PER_MINUTE;
  const pacer = redis
    ? createRedisDeliveryPacer({ redis, prefix: deps.config.REDIS_PREFIX, limitPerWindow })
    : createMemoryDeliveryPacer({ limitPerWindow });
  const dispatcher = createWebhookAgent({ allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE });
  return {
    taskList: { [DELIVER_WEBHOOK]: deliverWebhook({ ...deps, pacer, dispatcher }) },
    close: async () => {
      redis?.disconnect();
      await dispatcher.close();
    },
  };
}
