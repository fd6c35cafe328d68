import { useQuery, useQueryClient } from '@tanstack/solid-query';
import { createEffect, createMemo, on, onCleanup } from 'solid-js';
import { toast } from 'solid-sonner';
import type { TImport } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { importsClient } from '../api/routers.ts';
import { PRODUCTS_KEY } from '../products/product-queries.ts';
import { isFinal } from './format.ts';
import {
  applyImportState,
  IMPORTS_KEY,
  importListQuery,
  RECENT_IMPORTS,
} from './import-queries.ts';
import { cancelledInReview } from './review.ts';

const IDLE_POLL_MS = 5_000;

function announce(state: TImport): void {
  if (state.status === 'completed') {
    toast.success(`Import complete: ${state.filename}`, {
      description: [
        `${state.created.toLocaleString()} created`,
        `${state.updated.toLocaleString()} updated`,
        `${state.unchanged.toLocaleString()} unchanged`,
        `${state.invalid.toLocaleString()} invalid`,
      ].join(' · '),
    });
  } else if (state.status === 'failed') {
    toast.error(`Import failed: ${state.filename}`, { description: state.error ?? undefined });
  } else {
    toast(`${cancelledInReview(state) ? 'Review' : 'Import'} cancelled: ${state.filename}`);
  }
}

/**
 * Lives in the app shell, on every page: finds the running import from the server (so a reload
 * or a second tab finds it too) and follows its progress over the WebSocket into the query cache.
 * With nothing running it polls for a new import. Whenever an import is seen to finish (live, or
 * by polling when it ran between two polls), the products and imports are refreshed.
 */
export function ImportWatcher() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const recent = useQuery(() => ({
    ...importListQuery(client, RECENT_IMPORTS),
    refetchInterval: (query) =>
      query.state.data?.items.some((item) => !isFinal(item.status)) ? false : IDLE_POLL_MS,
  }));
  const activeId = createMemo(() => recent.data?.items.find((item) => !isFinal(item.status))?.id);

  // Imports that had finished when first seen are history: only later endings are news.
  let finishedSeen: Set<string> | undefined;
  createEffect(() => {
    const items = recent.data?.items;
    if (!items) return;
    const finished = items.filter((item) => isFinal(item.status));
    if (!finishedSeen) {
      finishedSeen = new Set(finished.map((item) => item.id));
      return;
    }
    const news = finished.filter((item) => !finishedSeen!.has(item.id));
    if (!news.length) return;
    for (const item of news) {
      finishedSeen.add(item.id);
      announce(item);
    }
    void queryClient.invalidateQueries({ queryKey: PRODUCTS_KEY });
    void queryClient.invalidateQueries({ queryKey: IMPORTS_KEY });
  });

  createEffect(
    on(activeId, (id) => {
      if (!id) return;
      const subscription = importsClient(client).onProgress.subscribe(
        { id },
        {
          onData: ({ data }) => applyImportState(queryClient, data),
          // The link already retries dropped sockets; an error here means the server refused.
          onError: () => void queryClient.invalidateQueries({ queryKey: IMPORTS_KEY }),
        },
      );
      onCleanup(() => subscription.unsubscribe());
    }),
  );
  return null;
}
