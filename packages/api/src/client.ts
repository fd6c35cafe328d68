import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  wsLink,
  type TRPCClient,
} from '@trpc/client';
import superjson from 'superjson';
import { API_LIMITS } from './limits.ts';
import type { AppRouter } from '../client-types/router.d.ts';

export interface ApiClientOptions {
  /** The server's origin, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` and as the WebSocket connection parameter `token`. */
  token?: () => string | undefined;
  /**
   * Called when the WebSocket state changes, e.g. for a connection indicator: `connecting` also
   * while it reconnects after a drop, `closed` when idle (lazy mode) or closed by `close()`.
   */
  onConnectionChange?: (state: 'connecting' | 'open' | 'closed') => void;
  /**
   * Open the WebSocket only while a subscription runs (default). A dashboard passes false to keep
   * it open, so a dropped connection is noticed and re-established even with nothing subscribed.
   */
  lazy?: boolean;
}

export type ApiClient = TRPCClient<AppRouter>;

/**
 * The typed client for other TypeScript services and the dashboard: queries and mutations go
 * over HTTP (batched), subscriptions over one lazily opened WebSocket that reconnects by itself
 * and resumes tracked subscriptions from their last event id. Only types come from the server.
 */
export function createApiClient(options: ApiClientOptions): {
  client: ApiClient;
  close: () => void;
} {
  const base = options.baseUrl.replace(/\/$/, '');
  const wsClient = createWSClient({
    url: `${base.replace(/^http/, 'ws')}/ws`,
    lazy: { enabled: options.lazy ?? true, closeMs: 10_000 },
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    connectionParams: () => {
      const token = options.token?.();
      return token ? { token } : null;
    },
  });
  const { onConnectionChange } = options;
  const stateSubscription = onConnectionChange
    ? wsClient.connectionState.subscribe({
        next: ({ state }) =>
          onConnectionChange(
            state === 'pending' ? 'open' : state === 'connecting' ? 'connecting' : 'closed',
          ),
      })
    : null;
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient, transformer: superjson }),
        false: httpBatchLink({
          url: `${base}/trpc`,
          maxItems: API_LIMITS.maxBatchSize,
          transformer: superjson,
          headers: () => {
            const token = options.token?.();
            return token ? { authorization: `Bearer ${token}` } : {};
          },
        }),
      }),
    ],
  });
  return {
    client,
    close: () => {
      stateSubscription?.unsubscribe();
      void wsClient.close();
    },
  };
}
