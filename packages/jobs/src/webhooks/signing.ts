import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

/** How long the secret a rotation replaced keeps signing next to the new one. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** What list and byId show: enough to tell two secrets apart, not enough to sign. */
export function maskSecret(secret: string): string {
  return `${SECRET_PREFIX}…${secret.slice(-4)}`;
}

/**
 * One signature: `v1,` + base64(HMAC-SHA256(key, "id.timestamp.body")), where key is the
 * base64-decoded part of the secret after `whsec_`.
 */
export function signPayload(
  secret: string,
  deliveryId: string,
  timestampSeconds: number,
  body: string,
): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const digest = createHmac('sha256', key)
    .update(`${deliveryId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${digest}`;
}

/**
 * The `webhook-signature` header: one signature per secret, space-separated (Standard Webhooks),
 * so during a rotation a receiver holding either the old or the new secret accepts the request.
 */
export function signatureHeader(
  secrets: readonly string[],
  deliveryId: string,
  timestampSeconds: number,
  body: string,
): string {
  return secrets.map((secret) => signPayload(secret, deliveryId, timestampSeconds, body)).join(' ');
}
