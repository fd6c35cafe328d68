import type { IncomingMessage } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';
import { hmac, secretsEqual } from './secrets.ts';

export const SESSION_COOKIE = 'acme_session';
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A stateless session: `v1.<expiry in unix ms>.<HMAC of the rest>`. Nothing is stored server-side,
 * so every server of a deployment accepts it, given the same secret. Signing out clears the
 * cookie; changing the secret (or the password it is derived from) ends every session.
 */
export function createSessionCookies(secret: string, now: () => number = Date.now) {
  const sign = (payload: string) => `${payload}.${hmac(secret, payload)}`;

  const isValid = (value: string | undefined): boolean => {
    if (!value) return false;
    const match = /^(v1\.(\d{1,16}))\.([\w-]{43})$/.exec(value);
    if (!match) return false;
    const [, payload, expiry, signature] = match as unknown as [string, string, string, string];
    return secretsEqual(signature, hmac(secret, payload)) && Number(expiry) > now();
  };

  return {
    /** True when the request carries an unexpired session cookie signed with our secret. */
    fromRequest(req: IncomingMessage): boolean {
      const header = req.headers.cookie;
      return header ? isValid(parseCookie(header)[SESSION_COOKIE]) : false;
    },
    issue(req: IncomingMessage): string {
      return stringifySetCookie({
        name: SESSION_COOKIE,
        value: sign(`v1.${now() + SESSION_TTL_MS}`),
        ...cookieAttributes(req),
        maxAge: SESSION_TTL_MS / 1000,
      });
    },
    clear(req: IncomingMessage): string {
      return stringifySetCookie({
        name: SESSION_COOKIE,
        value: '',
        ...cookieAttributes(req),
        maxAge: 0,
      });
    },
  };
}

/**
 * httpOnly (scripts never see it), SameSite=Strict (browsers send it on same-site requests and
 * on the dashboard's own WebSocket handshake, never from other sites), Secure behind https.
 */
function cookieAttributes(req: IncomingMessage) {
  const forwardedProto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]!
    .trim();
  const https =
    ('encrypted' in req.socket && req.socket.encrypted === true) || forwardedProto === 'https';
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: https };
}
