import { createSignal } from 'solid-js';
import { createApiClient } from '@acme/api/client';
import type { Api, ConnectionState } from './context.tsx';

/** The dashboard's client: one origin, a WebSocket kept open so drops show up at once. */
export function createBrowserApi(baseUrl = window.location.origin): Api & { close: () => void } {
  const [connection, setConnection] = createSignal<ConnectionState>('connecting');
  const { client, close } = createApiClient({
    baseUrl,
    lazy: false,
    onConnectionChange: setConnection,
  });
  return { client, connection, baseUrl, close };
}
