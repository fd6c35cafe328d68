import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { render } from '@solidjs/testing-library';
import { createSignal, type JSX } from 'solid-js';
import type { ApiClient } from '@acme/api/client';
import { ApiProvider, type ConnectionState } from './api/context.tsx';

/**
 * Renders a component with a fake API client: component tests check the UI's behaviour; the
 * real network is exercised by the e2e tests.
 */
export function renderWithApi(ui: () => JSX.Element, fakeClient: unknown) {
  const [connection, setConnection] = createSignal<ConnectionState>('open');
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const api = { client: fakeClient as ApiClient, connection, baseUrl: 'http://app.test' };
  const result = render(() => (
    <ApiProvider api={api}>
      <QueryClientProvider client={queryClient}>{ui()}</QueryClientProvider>
    </ApiProvider>
  ));
  return { ...result, setConnection, queryClient };
}
