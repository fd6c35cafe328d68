import type { WebSocket } from 'ws';
import type { Bus } from '@acme/realtime';
import type { Logger } from '@acme/runtime/logger';
import { WS_CLOSE } from '../ws-guard.ts';
import type { SessionCookies } from './session-cookie.ts';

const REVOKED_CHANNEL = 'sessions:revoked';
/** Catches what the bus lost (it is pub/sub) and sessions that expired while a socket was open. */
const SWEEP_MS = 30_000;

/**
 * The open WebSockets of each session, so that signing out (on any server) closes them at once:
 * a socket is authenticated only at its handshake, and would otherwise outlive its session.
 */
export function createSocketSessions(deps: { bus: Bus; sessions: SessionCookies; logger: Logger }) {
  const sockets = new Map<string, Set<WebSocket>>();
  const stop = new AbortController();

  const closeSession = (sessionId: string) => {
    for (const socket of sockets.get(sessionId) ?? []) {
      socket.close(WS_CLOSE.sessionEnded, 'session ended');
    }
    sockets.delete(sessionId);
  };

  void (async () => {
    for await (const message of deps.bus.subscribe(REVOKED_CHANNEL, stop.signal)) {
      if (typeof message === 'string') closeSession(message);
    }
  })().catch((error: unknown) => deps.logger.warn({ err: error }, 'session revocations stopped'));

  const sweep = setInterval(() => {
    const ids = [...sockets.keys()];
    deps.sessions.live(ids).then(
      (live) => {
        for (const id of ids) if (!live.has(id)) closeSession(id);
      },
      (error: unknown) => deps.logger.warn({ err: error }, 'could not check open sessions'),
    );
  }, SWEEP_MS);
  sweep.unref();

  return {
    add(sessionId: string, socket: WebSocket): void {
      let set = sockets.get(sessionId);
      if (!set) sockets.set(sessionId, (set = new Set()));
      set.add(socket);
      socket.once('close', () => {
        set.delete(socket);
        if (set.size === 0 && sockets.get(sessionId) === set) sockets.delete(sessionId);
      });
    },
    /** Closes the session's sockets here and, through the bus, on every other server. */
    revoke(sessionId: string): void {
      closeSession(sessionId);
      void deps.bus.publish(REVOKED_CHANNEL, sessionId);
    },
    close(): void {
      stop.abort();
      clearInterval(sweep);
    },
  };
}
