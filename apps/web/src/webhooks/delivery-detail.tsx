import { useQuery } from '@tanstack/solid-query';
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { useApi } from '../api/context.tsx';
import type { DeliveryDetail as Detail } from '../api/routers.ts';
import { ErrorState, Loading } from '../components/states.tsx';
import { ResultBadge } from './delivery-status.tsx';
import { webhookDeliveryQuery } from './webhook-queries.ts';

type Attempt = Detail['attempts'][number];

/** JSON laid out for reading; anything else as it is. */
function formatBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function CopyButton(props: { text: string; label: string }) {
  const [copied, setCopied] = createSignal(false);
  const copy = () =>
    navigator.clipboard
      .writeText(props.text)
      .then(() => setCopied(true))
      .catch(() => setCopied(false));
  return (
    <button type="button" class="small" onClick={() => void copy()}>
      {copied() ? 'Copied' : props.label}
    </button>
  );
}

function AttemptView(props: { attempt: Attempt }) {
  return (
    <li class="attempt">
      <div class="row">
        <strong>Attempt {props.attempt.attempt}</strong>
        <ResultBadge statusCode={props.attempt.statusCode} error={props.attempt.error} />
        <span class="muted">{props.attempt.responseTimeMs} ms</span>
        <span class="muted">{props.attempt.at.toLocaleString()}</span>
      </div>
      <Show when={props.attempt.error}>
        <p class="field-error">{props.attempt.error}</p>
      </Show>
      <Show when={props.attempt.nextAttemptAt}>
        {(next) => <p class="muted">Next try scheduled for {next().toLocaleString()}</p>}
      </Show>
      <Show
        when={props.attempt.requestHeaders}
        fallback={<p class="muted">No request was made.</p>}
      >
        {(headers) => (
          <div>
            <h4>Request headers</h4>
            <table class="key-values">
              <tbody>
                <For each={Object.entries(headers())}>
                  {([name, value]) => (
                    <tr>
                      <th scope="row" class="mono">
                        {name}
                      </th>
                      <td class="mono">{value}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Show>
      <Show when={props.attempt.statusCode !== null}>
        <div>
          <h4>Response (first 1 KB)</h4>
          <Show
            when={props.attempt.responseExcerpt}
            fallback={<p class="muted">The answer had no body.</p>}
          >
            <pre class="code">{props.attempt.responseExcerpt}</pre>
          </Show>
        </div>
      </Show>
    </li>
  );
}

/** One delivery in full: the body it sends, then every attempt, newest first. */
export function DeliveryDetail(props: { webhookId: string; deliveryId: string }) {
  const { client } = useApi();
  const detail = useQuery(() =>
    webhookDeliveryQuery(client, { id: props.webhookId, deliveryId: props.deliveryId }),
  );
  return (
    <Switch>
      <Match when={detail.isPending}>
        <Loading label="Loading the delivery…" />
      </Match>
      <Match when={detail.isError && !detail.data}>
        <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
      </Match>
      <Match when={detail.data}>
        {(data) => (
          <div class="delivery-detail">
            <section>
              <div class="row" style={{ 'justify-content': 'space-between' }}>
                <h4>Request body</h4>
                <CopyButton text={data().requestBody} label="Copy as sent" />
              </div>
              <pre class="code">{formatBody(data().requestBody)}</pre>
            </section>
            <section>
              <h4>Attempts</h4>
              <Show
                when={data().attempts.length > 0}
                fallback={<p class="muted">Not tried yet.</p>}
              >
                <ol class="attempts">
                  <For each={[...data().attempts].reverse()}>
                    {(attempt) => <AttemptView attempt={attempt} />}
                  </For>
                </ol>
              </Show>
            </section>
          </div>
        )}
      </Match>
    </Switch>
  );
}
