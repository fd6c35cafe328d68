import {
  createContext,
  createSignal,
  Match,
  onMount,
  Switch,
  useContext,
  type JSX,
} from 'solid-js';
import { ErrorState, Loading } from '../components/states.tsx';
import { sessionApi, type SessionState } from './session-api.ts';
import { SignInPage } from './sign-in-page.tsx';

export interface Session {
  /** False when the server runs without access control: nothing to sign out of. */
  authRequired: boolean;
  signOut: () => Promise<void>;
  /** Called when the server refuses a call as unauthorized (the session expired or was revoked). */
  expired: () => void;
}

const SessionContext = createContext<Session>();

/** The current session, or undefined outside a gate (component tests render pages without one). */
export function useSession(): Session | undefined {
  return useContext(SessionContext);
}

type Status =
  | { kind: 'checking' }
  | { kind: 'unreachable'; error: unknown }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'signed-in' };

/**
 * Shows the sign-in page until the server accepts the session, then the dashboard. The dashboard
 * (and with it the WebSocket, whose handshake carries the cookie) is created only once signed in,
 * and dropped on sign-out or expiry, so no socket outlives the session it was opened with.
 */
export function SessionGate(props: {
  baseUrl: string;
  children: (session: Session) => JSX.Element;
}) {
  const [status, setStatus] = createSignal<Status>({ kind: 'checking' });
  const [authRequired, setAuthRequired] = createSignal(false);

  const apply = (state: SessionState, notice?: string) => {
    setAuthRequired(state.authRequired);
    setStatus(
      state.authRequired && !state.authenticated
        ? { kind: 'signed-out', notice }
        : { kind: 'signed-in' },
    );
  };
  const check = () => {
    setStatus({ kind: 'checking' });
    sessionApi.get(props.baseUrl).then(
      (state) => apply(state),
      (error: unknown) => setStatus({ kind: 'unreachable', error }),
    );
  };
  onMount(check);

  const session: Session = {
    get authRequired() {
      return authRequired();
    },
    signOut: async () => {
      const state = await sessionApi.signOut(props.baseUrl);
      apply(state, 'You are signed out.');
    },
    expired: () => {
      if (status().kind === 'signed-in' && authRequired()) {
        setStatus({ kind: 'signed-out', notice: 'Your session has ended. Sign in again.' });
      }
    },
  };

  const unreachable = () => {
    const current = status();
    return current.kind === 'unreachable' ? current : undefined;
  };
  const signedOut = () => {
    const current = status();
    return current.kind === 'signed-out' ? current : undefined;
  };

  return (
    <Switch>
      <Match when={status().kind === 'checking'}>
        <Loading label="Connecting…" />
      </Match>
      <Match when={unreachable()}>
        {(current) => <ErrorState error={current().error} onRetry={check} />}
      </Match>
      <Match when={signedOut()}>
        {(current) => (
          <SignInPage
            baseUrl={props.baseUrl}
            notice={current().notice}
            onSignedIn={(state) => apply(state)}
          />
        )}
      </Match>
      <Match when={status().kind === 'signed-in'}>
        <SessionContext.Provider value={session}>{props.children(session)}</SessionContext.Provider>
      </Match>
    </Switch>
  );
}
