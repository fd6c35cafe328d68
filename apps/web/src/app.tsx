import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { A, Navigate, Route, Router, type RouteSectionProps } from '@solidjs/router';
import type { JSX } from 'solid-js';
import { Toaster } from 'solid-sonner';
import { ApiProvider, type Api } from './api/context.tsx';
import { errorCode } from './api/query.ts';
import { useRefetchOnReconnect } from './api/refetch-on-reconnect.ts';
import { ConnectionIndicator } from './components/connection-indicator.tsx';
import { APP_NAME } from './components/page-title.ts';
import { ImportsPage } from './imports/imports-page.tsx';
import { ImportWatcher } from './imports/import-watcher.tsx';
import { ProductsPage } from './products/products-page.tsx';
import { SignOutButton } from './session/sign-out-button.tsx';
import { WebhooksPage } from './webhooks/webhooks-page.tsx';

/** `onUnauthorized`: the server refused a call for want of a session (it expired, or was revoked). */
export function createQueryClient(options: { onUnauthorized?: () => void } = {}): QueryClient {
  const onError = (error: unknown) => {
    if (errorCode(error) === 'UNAUTHORIZED') options.onUnauthorized?.();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true },
    },
  });
}

function Shell(props: RouteSectionProps) {
  useRefetchOnReconnect();
  return (
    <>
      <a class="visually-hidden" href="#content">
        Skip to content
      </a>
      <header class="shell-header">
        <span class="brand">{APP_NAME}</span>
        <nav class="nav" aria-label="Main">
          <A href="/products">Products</A>
          <A href="/imports">Import</A>
          <A href="/webhooks">Webhooks</A>
        </nav>
        <ConnectionIndicator />
        <SignOutButton />
      </header>
      <main id="content">{props.children}</main>
      <ImportWatcher />
      <Toaster position="bottom-right" closeButton richColors />
    </>
  );
}

/** The routes, under whatever router the caller gives (the browser's, or a memory one in tests). */
export function AppRoutes(): JSX.Element {
  return (
    <>
      <Route path="/" component={() => <Navigate href="/products" />} />
      <Route path="/products" component={ProductsPage} />
      <Route path="/imports" component={ImportsPage} />
      <Route path="/webhooks" component={WebhooksPage} />
      <Route path="*" component={() => <Navigate href="/products" />} />
    </>
  );
}

export function App(props: { api: Api; queryClient: QueryClient }) {
  return (
    <ApiProvider api={props.api}>
      <QueryClientProvider client={props.queryClient}>
        <Router root={Shell}>
          <AppRoutes />
        </Router>
      </QueryClientProvider>
    </ApiProvider>
  );
}
