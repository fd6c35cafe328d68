import { createSignal, onCleanup, Show } from 'solid-js';
import { usePageTitle } from '../components/page-title.ts';
import { sessionApi, SignInError, type SessionState } from './session-api.ts';

/** The password form shown when the server has ADMIN_PASSWORD set and there is no session. */
export function SignInPage(props: {
  baseUrl: string;
  notice?: string;
  onSignedIn: (state: SessionState) => void;
}) {
  usePageTitle('Sign in');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  // After a 429 the button stays off until the server's Retry-After has passed.
  const [waitSeconds, setWaitSeconds] = createSignal(0);
  let countdown: ReturnType<typeof setInterval> | undefined;
  onCleanup(() => clearInterval(countdown));

  const startCountdown = (seconds: number) => {
    clearInterval(countdown);
    setWaitSeconds(seconds);
    countdown = setInterval(() => {
      setWaitSeconds((left) => Math.max(0, left - 1));
      if (waitSeconds() === 0) clearInterval(countdown);
    }, 1000);
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (!password()) {
      setError('Enter the password');
      return;
    }
    setBusy(true);
    setError(undefined);
    sessionApi
      .signIn(props.baseUrl, password())
      .then(props.onSignedIn)
      .catch((failure: unknown) => {
        setPassword('');
        setError(failure instanceof Error ? failure.message : 'Sign-in failed');
        if (failure instanceof SignInError && failure.retryAfterSeconds) {
          startCountdown(failure.retryAfterSeconds);
        }
      })
      .finally(() => setBusy(false));
  };

  return (
    <main class="sign-in" id="content">
      <form class="card sign-in-card" onSubmit={submit} novalidate aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Acme Product Importer</h1>
        <p class="muted">Sign in to manage the catalogue.</p>
        <Show when={props.notice}>
          <p class="alert warn" role="status">
            {props.notice}
          </p>
        </Show>
        <label class="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            autofocus
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
            aria-invalid={error() ? 'true' : undefined}
            aria-describedby={error() ? 'sign-in-error' : undefined}
          />
        </label>
        <Show when={error()}>
          <p id="sign-in-error" class="alert" role="alert">
            {error()}
          </p>
        </Show>
        <button type="submit" class="button primary" disabled={busy() || waitSeconds() > 0}>
          {busy()
            ? 'Signing in…'
            : waitSeconds() > 0
              ? `Try again in ${waitSeconds()} s`
              : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
