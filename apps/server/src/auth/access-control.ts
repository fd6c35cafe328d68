import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '@acme/api';
import type { Config } from '@acme/runtime/config';
import { sendJson } from '../http-utils.ts';
import { hmac, secretsEqual } from './secrets.ts';
import { createSessionCookies } from './session-cookie.ts';

export type AccessConfig = Pick<Config, 'ADMIN_PASSWORD' | 'API_TOKENS' | 'SESSION_SECRET'>;

export interface AccessControl {
  /** ADMIN_PASSWORD or API_TOKENS is set: every API call needs a session or a token. */
  required: boolean;
  /** Whether sign-in by password is possible at all (ADMIN_PASSWORD set). */
  passwordSignIn: boolean;
  /** Who sent the request: session cookie, bearer header, or WebSocket `connectionParams.token`. */
  identify(req: IncomingMessage, connectionParams?: Partial<Record<string, string>> | null): Caller;
  /**
   * The guard for plain HTTP routes (uploads, downloads): true when the caller may go on;
   * otherwise it has answered 401 and the route must stop.
   */
  requireAuth(req: IncomingMessage, res: ServerResponse): boolean;
  checkPassword(given: string): boolean;
  sessions: ReturnType<typeof createSessionCookies>;
}

export function createAccessControl(config: AccessConfig): AccessControl {
  const password = config.ADMIN_PASSWORD;
  const tokens = config.API_TOKENS;
  const required = password !== undefined || tokens.length > 0;
  // Derived from the password when not given, so several servers agree without more settings.
  const secret = config.SESSION_SECRET ?? hmac('acme-session-secret', password ?? '');
  const sessions = createSessionCookies(secret);

  const isKnownToken = (token: string) =>
    // Every token is compared, so the time taken says nothing about which one nearly matched.
    tokens.map((known) => secretsEqual(token, known)).includes(true);

  const identify: AccessControl['identify'] = (req, connectionParams) => {
    if (password !== undefined && sessions.fromRequest(req)) return { kind: 'session' };
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? connectionParams?.['token'];
    if (token && isKnownToken(token)) return { kind: 'token' };
    return { kind: 'anonymous' };
  };

  return {
    required,
    passwordSignIn: password !== undefined,
    identify,
    requireAuth(req, res) {
      if (!required || identify(req).kind !== 'anonymous') return true;
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, { message: 'Sign in, or send an API token (Authorization: Bearer …)' });
      return false;
    },
    checkPassword: (given) => password !== undefined && secretsEqual(given, password),
    sessions,
  };
}
