import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { render } from '@solidjs/testing-library';
import { createSignal, type JSX } from 'solid-js';
import type { ApiClient } from '@acme/api/client';
import { ApiProvider, type ConnectionState } from './api/context.tsx';

/**
 * Renders a component with a fake API client: component tests check the UI's behaviour; the
 * real network is exercised by the e2e tests.
 */
export function renderWithApi(
  ui: () => JSX.Element,
  fakeClient: unknown,
  options: { url?: string } = {},
) {
  const [connection, setConnection] = createSignal<ConnectionState>('open');
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const api = { client: fakeClient as ApiClient, connection, baseUrl: 'http://app.test' };
  // Pages read and write their view in the URL: a memory router stands in for the browser's.
  const history = createMemoryHistory();
  history.set({ value: options.url ?? '/', replace: true });
  const result = render(() => (
    <ApiProvider api={api}>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter history={history}>
          <Route path="*" component={ui} />
        </MemoryRouter>
      </QueryClientProvider>
    </ApiProvider>
  ));
  return { ...result, setConnection, queryClient, location: () => history.get() };
}
