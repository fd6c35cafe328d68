import { Show } from 'solid-js';
import { useApi } from '../api/context.tsx';

/** Live updates need the WebSocket: say so when it is down; it reconnects by itself. */
export function ConnectionIndicator() {
  const { connection } = useApi();
  const down = () => connection() !== 'open';
  return (
    <span class="connection" classList={{ down: down() }} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      <Show when={down()} fallback="Live">
        Reconnecting…
      </Show>
    </span>
  );
}
