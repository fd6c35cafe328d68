import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { toast } from 'solid-sonner';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import type { TWebhookTestResult } from '@acme/shared';
import { webhooksClient, type Webhook } from '../api/routers.ts';
import { Toggle } from '../components/toggle.tsx';
import { ResultBadge } from './deliveries-dialog.tsx';
import { WEBHOOKS_KEY } from './webhook-queries.ts';

/** A test answer must come within the delivery timeout (10 s) plus some slack for the queue. */
const TEST_WAIT_MS = 20_000;

export function WebhookCard(props: {
  webhook: Webhook;
  onEdit: () => void;
  onDelete: () => void;
  onDeliveries: () => void;
}) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const webhooks = webhooksClient(client);
  const [testing, setTesting] = createSignal(false);
  const [result, setResult] = createSignal<TWebhookTestResult | null>(null);
  let testTimer: ReturnType<typeof setTimeout> | undefined;

  // Follow test results while the card is shown: a test started from another tab shows up too.
  onMount(() => {
    const subscription = webhooks.onTestResult.subscribe(
      { id: props.webhook.id },
      {
        onData: (data) => {
          clearTimeout(testTimer);
          setTesting(false);
          setResult(data);
          void queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });
        },
      },
    );
    onCleanup(() => {
      clearTimeout(testTimer);
      subscription.unsubscribe();
    });
  });

  const test = useMutation(() => ({
    mutationFn: () => webhooks.test.mutate({ id: props.webhook.id }),
    onMutate: () => {
      setTesting(true);
      clearTimeout(testTimer);
      testTimer = setTimeout(() => {
        setTesting(false);
        // The result is stored on the webhook too: fetch it in case the live message was missed.
        void queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });
        toast.error('No live test result arrived; the list shows the last stored one.');
      }, TEST_WAIT_MS);
    },
    onError: (error: unknown) => {
      clearTimeout(testTimer);
      setTesting(false);
      toast.error(`Could not send a test: ${errorMessage(error)}`);
    },
  }));

  const setEnabled = useMutation(() => ({
    mutationFn: (enabled: boolean) => webhooks.update.mutate({ id: props.webhook.id, enabled }),
    onError: (error: unknown) =>
      toast.error(`Could not change the webhook: ${errorMessage(error)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY }),
  }));

  const lastTest = () => result() ?? props.webhook.lastTest;
  const enabled = () => (setEnabled.isPending ? setEnabled.variables : props.webhook.enabled);

  return (
    <article
      class="card"
      style={{ display: 'grid', gap: '10px' }}
      aria-label={`Webhook ${props.webhook.url}`}
    >
      <div class="row" style={{ 'justify-content': 'space-between', 'align-items': 'flex-start' }}>
        <div style={{ 'min-width': 0, flex: '1 1 260px' }}>
          <div class="mono" style={{ 'overflow-wrap': 'anywhere', 'font-weight': 600 }}>
            {props.webhook.url}
          </div>
          <div class="row" style={{ gap: '4px', 'margin-top': '6px' }}>
            <For each={props.webhook.events}>
              {(type) => <span class="badge mono">{type}</span>}
            </For>
          </div>
        </div>
        <Toggle
          label={enabled() ? 'Enabled' : 'Disabled'}
          checked={enabled() ?? false}
          disabled={setEnabled.isPending}
          onChange={(checked) => setEnabled.mutate(checked)}
        />
      </div>

      <Show when={props.webhook.disabledReason}>
        <p class="alert warn" role="status">
          Disabled automatically: {props.webhook.disabledReason}
        </p>
      </Show>

      <div class="row" style={{ 'justify-content': 'space-between' }}>
        <div class="row" aria-live="polite">
          <span class="muted">Last test:</span>
          <Show
            when={!testing()}
            fallback={
              <span>
                <span class="spinner" aria-hidden="true" /> Testing…
              </span>
            }
          >
            <Show when={lastTest()} fallback={<span class="muted">never</span>}>
              {(last) => (
                <>
                  <ResultBadge statusCode={last().statusCode} error={last().error} />
                  <span>{last().responseTimeMs} ms</span>
                  <Show when={last().error}>
                    <span class="field-error" style={{ 'font-size': '13px' }}>
                      {last().error}
                    </span>
                  </Show>
                  <span class="muted hide-narrow">{last().at.toLocaleString()}</span>
                </>
              )}
            </Show>
          </Show>
        </div>
        <div class="row">
          <button type="button" disabled={testing()} onClick={() => test.mutate()}>
            Test
          </button>
          <button type="button" onClick={() => props.onDeliveries()}>
            Deliveries
          </button>
          <button type="button" onClick={() => props.onEdit()}>
            Edit
          </button>
          <button
            type="button"
            class="ghost"
            aria-label={`Delete webhook ${props.webhook.url}`}
            onClick={() => props.onDelete()}
          >
            Delete
          </button>
        </div>
      </div>
    </article>
  );
}
