import type { z } from 'zod';
import { desc, eq, sql, transaction, webhooks, type Db, type Sql } from '@acme/db';
import {
  announceDeliveryChange,
  assertPublicUrl,
  enqueueRecovery,
  enqueueTestDelivery,
  generateSecret,
  maskSecret,
  requeueDelivery,
  SECRET_ROTATION_OVERLAP_MS,
  UnsafeUrlError,
} from '@acme/jobs/webhooks';
import type { Bus } from '@acme/realtime';
import {
  AppError,
  type TEventType,
  type TWebhook,
  type ZWebhookCreateInput,
  type ZWebhookUpdateInput,
} from '@acme/shared';
import { notFound } from '../errors.ts';

type WebhookRow = typeof webhooks.$inferSelect;

/** The public shape; the secret in full only right after it was issued. */
export function toWebhook(row: WebhookRow, options: { revealSecret: boolean }): TWebhook {
  const overlapping =
    row.previousSecret !== null &&
    row.previousSecretExpiresAt !== null &&
    row.previousSecretExpiresAt.getTime() > Date.now();
  return {
    id: row.id,
    url: row.url,
    events: row.events as TEventType[],
    enabled: row.enabled,
    secret: options.revealSecret ? row.secret : maskSecret(row.secret),
    previousSecret: overlapping && row.previousSecret ? maskSecret(row.previousSecret) : null,
    previousSecretExpiresAt: overlapping ? row.previousSecretExpiresAt : null,
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
    throw new AppError('BAD_REQUEST', `url ${error.message}`);
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

const NEW_ENDPOINT = {
  urlChangedAt: sql`now()`,
  lastTestStatusCode: null,
  lastTestResponseTimeMs: null,
  lastTestError: null,
  lastTestAt: null,
  lastTestDeliveryId: null,
} satisfies Partial<Record<keyof typeof webhooks.$inferInsert, unknown>>;

export async function updateWebhook(
  db: Db,
  { id, regenerateSecret, ...patch }: z.output<typeof ZWebhookUpdateInput>,
  allowPrivate: boolean,
): Promise<TWebhook> {
  const changes: Partial<typeof webhooks.$inferInsert> = { ...patch };
  if (patch.url !== undefined) {
    await assertUrlAllowed(patch.url, allowPrivate);
    // Another endpoint: the old one's last test and health say nothing about it.
    if (patch.url !== (await findRow(db, id)).url) Object.assign(changes, NEW_ENDPOINT);
  }
  // Enabling again (or disabling by hand) clears the system's reason and failure streak.
  if (patch.enabled !== undefined)
    Object.assign(changes, { disabledReason: null, failingSince: null });
  // A replaced secret stops at once, with any secret still overlapping from a rotation.
  if (regenerateSecret) {
    Object.assign(changes, {
      secret: generateSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
    });
  }
  if (Object.keys(changes).length === 0) return getWebhook(db, id);
  const [row] = await db
    .update(webhooks)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(webhooks.id, id))
    .returning();
  if (!row) throw notFound('Webhook', id);
  return toWebhook(row, { revealSecret: regenerateSecret === true });
}

/**
 * A new secret that signs alongside the current one for a day (both signatures in
 * `webhook-signature`), so receivers can switch over without refusing a request; then the old
 * one stops. Rotating again within the day drops the oldest at once (two secrets at most).
 */
export async function rotateSecret(db: Db, id: string): Promise<TWebhook> {
  const [row] = await db
    .update(webhooks)
    .set({
      previousSecret: sql`${webhooks.secret}`,
      previousSecretExpiresAt: sql`now() + make_interval(secs => ${SECRET_ROTATION_OVERLAP_MS / 1000})`,
      secret: generateSecret(),
      updatedAt: sql`now()`,
    })
    .where(eq(webhooks.id, id))
    .returning();
  if (!row) throw notFound('Webhook', id);
  return toWebhook(row, { revealSecret: true });
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

/** Resend / Retry now: one event delivery sent now (same `webhook-id`); see `requeueDelivery`. */
export async function redeliver(
  sqlClient: Sql,
  bus: Bus,
  input: { id: string; deliveryId: string },
): Promise<{ deliveryId: string }> {
  const outcome = await requeueDelivery(sqlClient, input.id, input.deliveryId);
  if (outcome.kind === 'not-found') throw notFound('Delivery', input.deliveryId);
  if (outcome.kind === 'refused') {
    throw new AppError('CONFLICT', outcome.reason);
  }
  await announceDeliveryChange(bus, input.id, input.deliveryId);
  return { deliveryId: input.deliveryId };
}

/** Re-sends every failed delivery of the webhook since a time; see `enqueueRecovery`. */
export async function recoverDeliveries(
  sqlClient: Sql,
  input: { id: string; since: Date },
): Promise<{ deliveries: number }> {
  const outcome = await enqueueRecovery(sqlClient, input.id, input.since);
  if (outcome.kind === 'not-found') throw notFound('Webhook', input.id);
  if (outcome.kind === 'refused') {
    throw new AppError('CONFLICT', outcome.reason);
  }
  return { deliveries: outcome.deliveries };
}
