import {
  ZWebhook,
  ZWebhookById,
  ZWebhookCreateInput,
  ZWebhookDeliveriesInput,
  ZWebhookDeliveriesOutput,
  ZWebhookDeliveryDetail,
  ZWebhookDeliveryInput,
  ZWebhookHealth,
  ZWebhookRecoverInput,
  ZWebhookRecoverOutput,
  ZWebhookRedeliverInput,
  ZWebhookRedeliverOutput,
  ZWebhookTestOutput,
  ZWebhookUpdateInput,
} from '@acme/shared';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.ts';
import { followDeliveries } from './follow-deliveries.ts';
import { followTestResults } from './follow-test-results.ts';
import { getDelivery, listDeliveries } from './list-deliveries.ts';
import { webhookHealth } from './webhook-health.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  queueWebhookTest,
  recoverDeliveries,
  redeliver,
  rotateSecret,
  updateWebhook,
} from './webhook-records.ts';

export const webhooksRouter = router({
  list: publicProcedure.output(z.array(ZWebhook)).query(({ ctx }) => listWebhooks(ctx.db)),
  byId: publicProcedure
    .input(ZWebhookById)
    .output(ZWebhook)
    .query(({ ctx, input }) => getWebhook(ctx.db, input.id)),
  create: publicProcedure
    .input(ZWebhookCreateInput)
    .output(ZWebhook)
    .mutation(({ ctx, input }) => createWebhook(ctx.db, input, ctx.config.WEBHOOK_ALLOW_PRIVATE)),
  update: publicProcedure
    .input(ZWebhookUpdateInput)
    .output(ZWebhook)
    .mutation(({ ctx, input }) => updateWebhook(ctx.db, input, ctx.config.WEBHOOK_ALLOW_PRIVATE)),
  delete: publicProcedure
    .input(ZWebhookById)
    .output(ZWebhook)
    .mutation(({ ctx, input }) => deleteWebhook(ctx.db, input.id)),
  /** A new secret (shown in this answer only); the old one keeps signing beside it for a day. */
  rotateSecret: publicProcedure
    .input(ZWebhookById)
    .output(ZWebhook)
    .mutation(({ ctx, input }) => rotateSecret(ctx.db, input.id)),
  test: publicProcedure
    .input(ZWebhookById)
    .output(ZWebhookTestOutput)
    .mutation(({ ctx, input }) =>
      queueWebhookTest(ctx.sql, ctx.db, input.id, ctx.config.WEBHOOK_ALLOW_PRIVATE),
    ),
  /** The deliveries log: one item per delivery with its latest attempt, newest first. */
  deliveries: publicProcedure
    .input(ZWebhookDeliveriesInput)
    .output(ZWebhookDeliveriesOutput)
    .query(({ ctx, input }) => listDeliveries(ctx.sql, input)),
  /** One delivery: the request body and every attempt (headers sent, answer excerpt). */
  delivery: publicProcedure
    .input(ZWebhookDeliveryInput)
    .output(ZWebhookDeliveryDetail)
    .query(({ ctx, input }) => getDelivery(ctx.sql, input)),
  /** Sends an event delivery now: a finished one again, or a waiting retry at once. */
  redeliver: publicProcedure
    .input(ZWebhookRedeliverInput)
    .output(ZWebhookRedeliverOutput)
    .mutation(({ ctx, input }) => redeliver(ctx.sql, ctx.bus, input)),
  /** Re-sends every failed delivery of the webhook created since `since`, at its rate limit. */
  recover: publicProcedure
    .input(ZWebhookRecoverInput)
    .output(ZWebhookRecoverOutput)
    .mutation(({ ctx, input }) => recoverDeliveries(ctx.sql, input)),
  /** Success rate and response times of every webhook's endpoint over the last 24 hours. */
  health: publicProcedure
    .output(z.array(ZWebhookHealth))
    .query(({ ctx }) => webhookHealth(ctx.sql)),
  /** Test results of one webhook as they arrive (call `test` after subscribing). */
  /** The stored last test result, then each new one (docs/webhooks.md, "Testing"). */
  onTestResult: publicProcedure
    .input(ZWebhookById)
    .subscription(({ ctx, input, signal }) => followTestResults(ctx, input.id, signal)),
  /** "Look again": one of the webhook's deliveries changed (refetch the log). */
  onDeliveryChange: publicProcedure
    .input(ZWebhookById)
    .subscription(({ ctx, input, signal }) => followDeliveries(ctx, input.id, signal)),
});
