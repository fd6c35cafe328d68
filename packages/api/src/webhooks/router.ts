import {
  webhookTestChannel,
  ZWebhook,
  ZWebhookById,
  ZWebhookCreateInput,
  ZWebhookDeliveriesInput,
  ZWebhookDeliveriesOutput,
  ZWebhookRedeliverInput,
  ZWebhookRedeliverOutput,
  ZWebhookTestOutput,
  ZWebhookTestResult,
  ZWebhookUpdateInput,
} from '@acme/shared';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.ts';
import { listDeliveryAttempts } from './list-deliveries.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  queueWebhookTest,
  redeliver,
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
  test: publicProcedure
    .input(ZWebhookById)
    .output(ZWebhookTestOutput)
    .mutation(({ ctx, input }) =>
      queueWebhookTest(ctx.sql, ctx.db, input.id, ctx.config.WEBHOOK_ALLOW_PRIVATE),
    ),
  deliveries: publicProcedure
    .input(ZWebhookDeliveriesInput)
    .output(ZWebhookDeliveriesOutput)
    .query(({ ctx, input }) => listDeliveryAttempts(ctx.sql, input)),
  /** Sends a failed (or succeeded) event delivery once more, by hand. */
  redeliver: publicProcedure
    .input(ZWebhookRedeliverInput)
    .output(ZWebhookRedeliverOutput)
    .mutation(({ ctx, input }) => redeliver(ctx.sql, input)),
  /** Test results of one webhook as they arrive (call `test` after subscribing). */
  onTestResult: publicProcedure.input(ZWebhookById).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    await getWebhook(ctx.db, input.id);
    const abort = signal ?? new AbortController().signal;
    for await (const message of ctx.bus.subscribe(webhookTestChannel(input.id), abort)) {
      const result = ZWebhookTestResult.safeParse(message);
      if (result.success) yield result.data;
      else ctx.logger.warn({ channel: webhookTestChannel(input.id) }, 'bad test result message');
    }
  }),
});
