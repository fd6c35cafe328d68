import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AttemptLimiter } from '@acme/realtime';
import type { Logger } from '@acme/runtime/logger';
import { sendJson } from '../http-utils.ts';
import type { AccessControl } from './access-control.ts';
import { AppError } from '@acme/shared';

/** Sign-in attempts allowed per client address within the window (successful ones count too). */
export const SIGN_IN_LIMIT = 10;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
const MAX_BODY_BYTES = 4 * 1024;

const ZSignIn = z.object({ password: z.string({ error: 'password is required' }) });

/**
 * `/api/session`: GET says whether the dashboard must show its sign-in page, POST signs in with
 * the password (sets the session cookie), DELETE signs out.
 */
export function createSessionRoutes(deps: {
  access: AccessControl;
  attemptLimiter: AttemptLimiter;
  logger: Logger;
  /** A session ended by signing out: its open WebSockets must close (on every server). */
  onRevoked: (sessionId: string) => void;
}) {
  const { access, attemptLimiter, logger } = deps;
  const state = async (req: IncomingMessage, authenticated?: boolean) => ({
    authenticated: authenticated ?? (await access.identify(req)).kind !== 'anonymous',
    authRequired: access.required,
  });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'GET') return sendJson(res, 200, await state(req));
    if (req.method === 'DELETE') {
      // Server-side: a copy of the cookie kept anywhere is as dead as the one cleared here.
      const revoked = await access.sessions.revoke(req);
      if (revoked) deps.onRevoked(revoked);
      res.setHeader('set-cookie', access.sessions.clear(req));
      return sendJson(res, 200, await state(req, false));
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST, DELETE');
      throw new AppError('METHOD_NOT_SUPPORTED', `${req.method} is not allowed on /api/session`);
    }
    if (!access.passwordSignIn) {
      throw new AppError('BAD_REQUEST', 'Sign-in by password is off: ADMIN_PASSWORD is unset');
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const decision = await attemptLimiter.take(
      `sign-in:${address}`,
      SIGN_IN_LIMIT,
      SIGN_IN_WINDOW_MS,
    );
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      res.setHeader('retry-after', String(seconds));
      logger.warn({ address }, 'sign-in refused: too many attempts');
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `Too many sign-in attempts; try again in ${seconds} s`,
      );
    }
    const json = await readJson(req);
    if (json === undefined) {
      throw new AppError('BAD_REQUEST', 'Send a JSON body { "password": "…" } (at most 4 KiB)');
    }
    const body = ZSignIn.safeParse(json);
    if (!body.success) {
      throw new AppError('BAD_REQUEST', body.error.issues[0]?.message ?? 'Bad request');
    }
    if (!access.checkPassword(body.data.password)) {
      logger.warn({ address }, 'sign-in failed: wrong password');
      throw new AppError('UNAUTHORIZED', 'Wrong password');
    }
    res.setHeader('set-cookie', await access.sessions.issue(req));
    return sendJson(res, 200, await state(req, true));
  };
}

/** The body as JSON, or undefined when it is not JSON or longer than a sign-in needs. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
