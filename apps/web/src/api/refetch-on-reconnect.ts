import { useQueryClient } from '@tanstack/solid-query';
import { createEffect, on } from 'solid-js';
import { useApi } from './context.tsx';

/**
 * When the WebSocket is back, the views recover by themselves: queries that failed while it was
 * down run again, and once the socket had been open before, every query is refreshed (the live
 * updates sent meanwhile were lost).
 */
export function useRefetchOnReconnect(): void {
  const { connection } = useApi();
  const queryClient = useQueryClient();
  let wasOpen = false;
  createEffect(
    on(connection, (state, previous) => {
      if (state !== 'open' || previous === 'open') return;
      if (wasOpen) void queryClient.invalidateQueries();
      else
        void queryClient.refetchQueries({ predicate: (query) => query.state.status === 'error' });
      wasOpen = true;
    }),
  );
}
