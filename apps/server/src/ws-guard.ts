import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';

/** What one WebSocket may cost the server (see docs/operations.md, "Abuse limits"). */
export const WS_LIMITS = {
  /** Messages a socket may send per second on average … */
  messagesPerSecond: 50,
  /** … and in one burst (a dashboard resubscribing after a reconnect). */
  messageBurst: 200,
  /**
   * Bytes queued for a socket that does not read: past this the client cannot keep up (or never
   * reads), and it is cut off rather than held in the server's memory.
   */
  maxBufferedBytes: 4 * 1024 * 1024,
} as const;

/** Close codes (4000–4999 are the application's). */
export const WS_CLOSE = {
  tooManyMessages: 4429,
  tooSlow: 4408,
  sessionEnded: 4401,
} as const;

/**
 * Wraps tRPC's per-connection handler with a message rate limit (a token bucket: over it, the
 * socket is closed before the message is parsed) and backpressure (a send that leaves more than
 * `maxBufferedBytes` queued terminates the socket).
 */
export function guardWebSocket(
  client: WebSocket,
  req: IncomingMessage,
  serve: (client: WebSocket, req: IncomingMessage) => void,
  limits: { messagesPerSecond: number; messageBurst: number; maxBufferedBytes: number } = WS_LIMITS,
): void {
  const send = client.send.bind(client) as (data: unknown, ...rest: unknown[]) => void;
  client.send = ((data: unknown, ...rest: unknown[]) => {
    if (client.readyState !== client.OPEN) return;
    send(data, ...rest);
    if (client.bufferedAmount > limits.maxBufferedBytes) client.terminate();
  }) as WebSocket['send'];

  serve(client, req);

  // tRPC's listeners now run behind the rate limit, so a flood is never parsed.
  const listeners = client.listeners('message') as ((...args: unknown[]) => void)[];
  client.removeAllListeners('message');
  let tokens: number = limits.messageBurst;
  let refilledAt = performance.now();
  client.on('message', (...args: unknown[]) => {
    const now = performance.now();
    tokens = Math.min(
      limits.messageBurst,
      tokens + ((now - refilledAt) / 1000) * limits.messagesPerSecond,
    );
    refilledAt = now;
    if (tokens < 1) {
      if (client.readyState === client.OPEN) {
        client.close(WS_CLOSE.tooManyMessages, 'too many messages');
      }
      return;
    }
    tokens -= 1;
    for (const listener of listeners) listener.apply(client, args);
  });
}
