import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { toast } from 'solid-sonner';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import type { TWebhookTestResult } from '@acme/shared';
import { webhooksClient, type Webhook, type WebhookHealth } from '../api/routers.ts';
import { Toggle } from '../components/toggle.tsx';
import { ResultBadge } from './delivery-status.tsx';
import { WEBHOOKS_KEY } from './webhook-queries.ts';

/** A test answer must come within the delivery timeout (10 s) plus some slack for the queue. */
const TEST_WAIT_MS = 20_000;

/** Green from 99 %, amber from 90 %, red below. */
function rateTone(rate: number): 'ok' | 'warn' | 'danger' {
  if (rate >= 0.99) return 'ok';
  return rate >= 0.9 ? 'warn' : 'danger';
}

/** The endpoint's last 24 hours: success rate, and median and p95 response times. */
function HealthLine(props: { health: WebhookHealth | undefined }) {
  return (
    <div class="row health" role="group" aria-label="Last 24 hours">
      <span class="muted">Last 24 h:</span>
      <Show
        when={props.health && props.health.successRate !== null && props.health}
        fallback={<span class="muted">no requests</span>}
      >
        {(health) => (
          <>
            <span class={`badge ${rateTone(health().successRate ?? 0)}`}>
              {formatRate(health().successRate ?? 0)} succeeded
            </span>
            <span class="muted">
              {health().succeeded} of {health().attempts}{' '}
              {health().attempts === 1 ? 'request' : 'requests'}
            </span>
            <Show when={health().p50Ms !== null}>
              <span class="muted" aria-hidden="true">
                ·
              </span>
              <span>median {health().p50Ms} ms</span>
              <span class="muted" aria-hidden="true">
                ·
              </span>
              <span>p95 {health().p95Ms} ms</span>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}

/** 0.987 → "98.7%", 1 → "100%": a whole number unless the tenth says something. */
function formatRate(rate: number): string {
  const percent = Math.floor(rate * 1000) / 10;
  return `${Number.isInteger(percent) ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

export function WebhookCard(props: {
  webhook: Webhook;
  health: WebhookHealth | undefined;
  onEdit: () => void;
  onDelete: () => void;
  onDeliveries: () => void;
  onRotateSecret: () => void;
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
          // The subscription starts with the stored result (shown already), and yields it again
          // after a reconnect: only a newer one ends a test under way.
          const shown = lastTest();
          if (shown && data.at.getTime() <= shown.at.getTime()) return;
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

  // A new URL is another endpoint: the result of a test of the old one no longer applies.
  createEffect(
    on(
      () => props.webhook.url,
      () => setResult(null),
      { defer: true },
    ),
  );
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

      <HealthLine health={props.health} />

      <div class="row secret-line">
        <span class="muted">Signing secret:</span>
        <span class="mono">{props.webhook.secret}</span>
        <Show when={props.webhook.previousSecretExpiresAt}>
          {(until) => (
            <span class="muted">
              (the previous one, <span class="mono">{props.webhook.previousSecret}</span>, also
              signs until {until().toLocaleString()})
            </span>
          )}
        </Show>
        <button type="button" class="small" onClick={() => props.onRotateSecret()}>
          Rotate secret
        </button>
      </div>

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
