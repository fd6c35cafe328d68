import { onCleanup } from 'solid-js';
import { render } from 'solid-js/web';
import { createBrowserApi } from './api/create-api.ts';
import { App, createQueryClient } from './app.tsx';
import { SessionGate, type Session } from './session/session-gate.tsx';
import './styles.css';

/** One API (and WebSocket) and one query cache per signed-in session, dropped with it. */
function SignedInApp(props: { session: Session }) {
  const api = createBrowserApi();
  onCleanup(api.close);
  const queryClient = createQueryClient({ onUnauthorized: props.session.expired });
  onCleanup(() => queryClient.clear());
  return <App api={api} queryClient={queryClient} />;
}

render(
  () => (
    <SessionGate baseUrl={window.location.origin}>
      {(session) => <SignedInApp session={session} />}
    </SessionGate>
  ),
  document.getElementById('root')!,
);
