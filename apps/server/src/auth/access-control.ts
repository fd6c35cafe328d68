import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '@acme/api';
import type { Sql } from '@acme/db';
import type { Config } from '@acme/runtime/config';
import { sendError } from '../http-utils.ts';
import { createOriginCheck, FOREIGN_ORIGIN_MESSAGE } from './origins.ts';
import { hmac, secretsEqual } from './secrets.ts';
import { createSessionCookies, type SessionCookies } from './session-cookie.ts';
import { AppError } from '@acme/shared';

export type AccessConfig = Pick<
  Config,
  'ADMIN_PASSWORD' | 'API_TOKENS' | 'SESSION_SECRET' | 'ALLOWED_ORIGINS'
>;

export interface AccessControl {
  /** ADMIN_PASSWORD or API_TOKENS is set: every API call needs a session or a token. */
  required: boolean;
  /** Whether sign-in by password is possible at all (ADMIN_PASSWORD set). */
  passwordSignIn: boolean;
  /** Who sent the request: session cookie, bearer header, or WebSocket `connectionParams.token`. */
  identify(
    req: IncomingMessage,
    connectionParams?: Partial<Record<string, string>> | null,
  ): Promise<Caller>;
  /**
   * The guard for plain HTTP routes (uploads, downloads): true when the caller may go on;
   * otherwise it has answered 401 (no caller) or 403 (a browser page of another origin using
   * this server's cookie or network position) and the route must stop.
   */
  requireAuth(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /**
   * For the WebSocket handshake: false when a page of another origin opens it with ambient
   * credentials (a session cookie, or no access control at all). A token sent in
   * `connectionParams` is explicit, so a handshake without a cookie passes when access is on.
   */
  allowsWebSocket(req: IncomingMessage): Promise<boolean>;
  checkPassword(given: string): boolean;
  sessions: SessionCookies;
}

export function createAccessControl(config: AccessConfig, sql: Sql): AccessControl {
  const password = config.ADMIN_PASSWORD;
  const tokens = config.API_TOKENS;
  const required = password !== undefined || tokens.length > 0;
  // Keyed by the password as well, so a new password ends every session (the cookies no longer
  // verify) even when SESSION_SECRET stays; several servers agree without more settings.
  const key = hmac(config.SESSION_SECRET ?? 'acme-session-secret', password ?? '');
  const sessions = createSessionCookies(sql, key);
  const origins = createOriginCheck(config.ALLOWED_ORIGINS);

  const isKnownToken = (token: string) =>
    // Every token is compared, so the time taken says nothing about which one nearly matched.
    tokens.map((known) => secretsEqual(token, known)).includes(true);

  const identify: AccessControl['identify'] = async (req, connectionParams) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? connectionParams?.['token'];
    if (token && isKnownToken(token)) return { kind: 'token' };
    const sessionId = password !== undefined ? await sessions.fromRequest(req) : undefined;
    if (sessionId) return { kind: 'session', sessionId };
    return { kind: 'anonymous' };
  };

  return {
    required,
    passwordSignIn: password !== undefined,
    identify,
    async requireAuth(req, res) {
      const caller = await identify(req);
      if (required && caller.kind === 'anonymous') {
        res.setHeader('www-authenticate', 'Bearer');
        sendError(
          res,
          new AppError('UNAUTHORIZED', 'Sign in, or send an API token (Authorization: Bearer …)'),
        );
        return false;
      }
      if (caller.kind !== 'token' && !origins.allows(req)) {
        sendError(res, new AppError('FORBIDDEN', FOREIGN_ORIGIN_MESSAGE));
        return false;
      }
      return true;
    },
    async allowsWebSocket(req) {
      if (origins.allows(req)) return true;
      if (!required) return false;
      return (await identify(req)).kind !== 'session';
    },
    checkPassword: (given) => password !== undefined && secretsEqual(given, password),
    sessions,
  };
}
