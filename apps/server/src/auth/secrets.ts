import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret a client sent with the expected one in time independent of where they differ
 * (and of their lengths: both sides are hashed to 32 bytes first).
 */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function hmac(key: string, message: string): string {
  return createHmac('sha256', key).update(message).digest('base64url');
}
