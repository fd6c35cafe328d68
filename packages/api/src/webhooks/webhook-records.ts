import { TRPCError } from '@trpc/server';
import type { z } from 'zod';
import { desc, eq, sql, transaction, webhooks, type Db, type Sql } from '@acme/db';
import {
  assertPublicUrl,
  enqueueTestDelivery,
  generateSecret,
  maskSecret,
  requeueDelivery,
  UnsafeUrlError,
} from '@acme/jobs/webhooks';
import type { TEventType, TWebhook, ZWebhookCreateInput, ZWebhookUpdateInput } from '@acme/shared';
import { notFound } from '../errors.ts';

type WebhookRow = typeof webhooks.$inferSelect;

/** The public shape; the secret in full only right after it was issued. */
export function toWebhook(row: WebhookRow, options: { revealSecret: boolean }): TWebhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events as TEventType[],
    enabled: row.enabled,
    secret: options.revealSecret ? row.secret : maskSecret(row.secret),
    lastTest: row.lastTestAt
      ? {
          statusCode: row.lastTestStatusCode,
          responseTimeMs: row.lastTestResponseTimeMs ?? 0,
          error: row.lastTestError,
          at: row.lastTestAt,
          deliveryId: row.lastTestDeliveryId,
        }
      : null,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** SSRF guard at save and at test: the URL must resolve to public addresses only. */
export async function assertUrlAllowed(url: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  try {
    await assertPublicUrl(url);
  } catch (error) {
    if (!(error instanceof UnsafeUrlError)) throw error;
    throw new TRPCError({ code: 'BAD_REQUEST', message: `url ${error.message}` });
  }
}

async function findRow(db: Db, id: string): Promise<WebhookRow> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  if (!row) throw notFound('Webhook', id);
  return row;
}

export async function listWebhooks(db: Db): Promise<TWebhook[]> {
  const rows = await db.select().from(webhooks).orderBy(desc(webhooks.createdAt), webhooks.id);
  return rows.map((row) => toWebhook(row, { revealSecret: false }));
}

export async function getWebhook(db: Db, id: string): Promise<TWebhook> {
  return toWebhook(await findRow(db, id), { revealSecret: false });
}

export async function createWebhook(
  db: Db,
  input: z.output<typeof ZWebhookCreateInput>,
  allowPrivate: boolean,
): Promise<TWebhook> {
  await assertUrlAllowed(input.url, allowPrivate);
  const [row] = await db
    .insert(webhooks)
    .values({ ...input, secret: generateSecret() })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return toWebhook(row, { revealSecret: true });
}

export async function updateWebhook(
  db: Db,
  { id, regenerateSecret, ...patch }: z.output<typeof ZWebhookUpdateInput>,
  allowPrivate: boolean,
): Promise<TWebhook> {
  if (patch.url !== undefined) await assertUrlAllowed(patch.url, allowPrivate);
  const changes: Partial<typeof webhooks.$inferInsert> = { ...patch };
  // Enabling again (or disabling by hand) clears the system's reason and failure streak.
  if (patch.enabled !== undefined)
    Object.assign(changes, { disabledReason: null, failingSince: null });
  if (regenerateSecret) changes.secret = generateSecret();
  if (Object.keys(changes).length === 0) return getWebhook(db, id);
  const [row] = await db
    .update(webhooks)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(webhooks.id, id))
    .returning();
  if (!row) throw notFound('Webhook', id);
  return toWebhook(row, { revealSecret: regenerateSecret === true });
}

export async function deleteWebhook(db: Db, id: string): Promise<TWebhook> {
  const [row] = await db.delete(webhooks).where(eq(webhooks.id, id)).returning();
  if (!row) throw notFound('Webhook', id);
  return toWebhook(row, { revealSecret: false });
}

/** Queues the test; the worker sends it and publishes the result. Returns at once. */
export async function queueWebhookTest(
  sqlClient: Sql,
  db: Db,
  id: string,
  allowPrivate: boolean,
): Promise<{ queued: true; deliveryId: string }> {
  const row = await findRow(db, id);
  await assertUrlAllowed(row.url, allowPrivate);
  const deliveryId = await transaction(sqlClient, ({ sql: tx }) => enqueueTestDelivery(tx, id));
  return { queued: true, deliveryId };
}

/** Sends a finished event delivery again (same `webhook-id`); see `requeueDelivery`. */
export async function redeliver(
  sql: Sql,
  input: { id: string; deliveryId: string },
): Promise<{ deliveryId: string }> {
  const outcome = await requeueDelivery(sql, input.id, input.deliveryId);
  if (outcome.kind === 'not-found') throw notFound('Delivery', input.deliveryId);
  if (outcome.kind === 'refused') {
    throw new TRPCError({ code: 'CONFLICT', message: outcome.reason });
  }
  return { deliveryId: input.deliveryId };
}
