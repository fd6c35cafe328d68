import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Sql } from '@acme/db';
import { hmac, secretsEqual } from './secrets.ts';

export const SESSION_COOKIE = 'acme_session';
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Sessions stored server-side: the cookie is `v2.<session id>.<HMAC of the rest>`, and the id is
 * a row of `sessions`. Signing out deletes the row, so the cookie is dead everywhere even if a
 * copy of it lives on. The HMAC key is derived from the password too, so changing the password
 * (or SESSION_SECRET) ends every session at once; a forged or stale cookie is refused without a
 * query.
 */
export function createSessionCookies(sql: Sql, key: string) {
  const sign = (payload: string) => `${payload}.${hmac(key, payload)}`;

  /** The session id of a well-formed cookie signed with our key (not yet checked against the table). */
  const signedId = (value: string | undefined): string | undefined => {
    const match = value ? /^(v2\.([\w-]{22}))\.([\w-]{43})$/.exec(value) : null;
    if (!match) return undefined;
    const [, payload, id, signature] = match as unknown as [string, string, string, string];
    return secretsEqual(signature, hmac(key, payload)) ? id : undefined;
  };

  const cookieOf = (req: IncomingMessage): string | undefined => {
    const header = req.headers.cookie;
    return header ? parseCookie(header)[SESSION_COOKIE] : undefined;
  };

  return {
    /** The id of the live session the request's cookie names, or undefined. */
    async fromRequest(req: IncomingMessage): Promise<string | undefined> {
      const id = signedId(cookieOf(req));
      if (!id) return undefined;
      const [row] = await sql<{ id: string }[]>`
        select id from sessions where id = ${id} and expires_at > now()`;
      return row?.id;
    },
    /** Of the given session ids, those still live (for open WebSockets). */
    async live(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await sql<{ id: string }[]>`
        select id from sessions where id = any(${ids as string[]}) and expires_at > now()`;
      return new Set(rows.map((row) => row.id));
    },
    /** Starts a session; answers the Set-Cookie header. Expired sessions are dropped meanwhile. */
    async issue(req: IncomingMessage): Promise<string> {
      const id = randomBytes(16).toString('base64url');
      await sql`delete from sessions where expires_at <= now()`;
      await sql`
        insert into sessions (id, expires_at)
        values (${id}, now() + ${`${SESSION_TTL_MS} milliseconds`}::interval)`;
      return stringifySetCookie({
        name: SESSION_COOKIE,
        value: sign(`v2.${id}`),
        ...cookieAttributes(req),
        maxAge: SESSION_TTL_MS / 1000,
      });
    },
    /** Ends the request's session server-side; answers its id (if it had one). */
    async revoke(req: IncomingMessage): Promise<string | undefined> {
      const id = signedId(cookieOf(req));
      if (id) await sql`delete from sessions where id = ${id}`;
      return id;
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
export type SessionCookies = ReturnType<typeof createSessionCookies>;

/**
 * httpOnly (scripts never see it), SameSite=Strict (browsers send it on same-site requests and
 * on the dashboard's own WebSocket handshake, never from other sites), Secure behind https.
 */
function cookieAttributes(req: IncomingMessage) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: isHttps(req) };
}

export function isHttps(req: IncomingMessage): boolean {
  const forwardedProto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]!
    .trim();
  return ('encrypted' in req.socket && req.socket.encrypted === true) || forwardedProto === 'https';
}
