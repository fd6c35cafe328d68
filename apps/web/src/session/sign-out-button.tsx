import { createSignal, Show } from 'solid-js';
import { toast } from 'solid-sonner';
import { useSession } from './session-gate.tsx';

/** Shown in the header only when the server requires sign-in. */
export function SignOutButton() {
  const session = useSession();
  const [busy, setBusy] = createSignal(false);
  const signOut = () => {
    if (!session) return;
    setBusy(true);
    session
      .signOut()
      .catch((error: unknown) =>
        toast.error(error instanceof Error ? error.message : 'Sign-out failed'),
      )
      .finally(() => setBusy(false));
  };
  return (
    <Show when={session?.authRequired}>
      <button type="button" class="button sign-out" disabled={busy()} onClick={signOut}>
        Sign out
      </button>
    </Show>
  );
}
