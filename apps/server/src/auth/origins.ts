import type { IncomingMessage } from 'node:http';
import { isHttps } from './session-cookie.ts';

/**
 * Which browser origins may use the ambient credentials of this server (the session cookie, or
 * the network position when access control is off): the server's own origin, plus ALLOWED_ORIGINS.
 * A request without an Origin header is not from a browser page of another site.
 */
export function createOriginCheck(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return {
    allows(req: IncomingMessage): boolean {
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      const own = `${isHttps(req) ? 'https' : 'http'}://${req.headers.host ?? ''}`;
      return origin === own || allowed.has(origin);
    },
  };
}
export type OriginCheck = ReturnType<typeof createOriginCheck>;

export const FOREIGN_ORIGIN_MESSAGE =
  "Requests from other sites are refused: this origin is not the server's own nor in ALLOWED_ORIGINS";
