import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { toast } from 'solid-sonner';
import { EVENT_TYPES, TEST_EVENT_TYPE, type TDeliveryStatus } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import { webhooksClient, type Delivery } from '../api/routers.ts';
import { PagedTable } from '../components/paged-table.tsx';
import { DeliveryDetail } from './delivery-detail.tsx';
import {
  DeliveryStatusBadge,
  manualSendLabel,
  ResultBadge,
  shortDateTime,
} from './delivery-status.tsx';
import { RecoverForm } from './recover-form.tsx';
import { webhookDeliveriesQuery, WEBHOOKS_KEY, type DeliveriesInput } from './webhook-queries.ts';
import { Modal, ModalDescription } from '../components/modal.tsx';

const PAGE_SIZE = 20;
/** Changes that arrive together (a backlog draining) refresh the log once. */
const REFRESH_COALESCE_MS = 400;
const COLUMNS = 6;

const EVENT_FILTERS = [...EVENT_TYPES, TEST_EVENT_TYPE] as const;
type EventFilter = (typeof EVENT_FILTERS)[number];

/**
 * Keeps the log live: the server says when one of the webhook's deliveries changed (an attempt,
 * a retry scheduled, a new delivery) and the open queries refetch.
 */
function useLiveDeliveries(webhookId: () => string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      for (const key of ['deliveries', 'delivery', 'health']) {
        void queryClient.invalidateQueries({ queryKey: [...WEBHOOKS_KEY, key] });
      }
    }, REFRESH_COALESCE_MS);
  };
  onMount(() => {
    const subscription = webhooksClient(client).onDeliveryChange.subscribe(
      { id: webhookId() },
      { onData: refresh },
    );
    onCleanup(() => {
      clearTimeout(timer);
      subscription.unsubscribe();
    });
  });
}

function SendNowButton(props: { webhookId: string; delivery: Delivery; label: string }) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const send = useMutation(() => ({
    mutationFn: () =>
      webhooksClient(client).redeliver.mutate({
        id: props.webhookId,
        deliveryId: props.delivery.deliveryId,
      }),
    onSuccess: () => {
      toast.success(
        props.label === 'Resend' ? 'Delivery queued to be sent again' : 'Retrying the delivery now',
      );
      void queryClient.invalidateQueries({ queryKey: [...WEBHOOKS_KEY, 'deliveries'] });
    },
    onError: (error) => toast.error(`Not sent: ${errorMessage(error)}`),
  }));
  return (
    <button
      type="button"
      class="small"
      disabled={send.isPending}
      aria-label={`${props.label}: ${props.delivery.eventType} of ${props.delivery.createdAt.toLocaleString()}`}
      onClick={() => send.mutate()}
    >
      {send.isPending ? 'Sending…' : props.label}
    </button>
  );
}

function DeliveryRows(props: {
  webhookId: string;
  delivery: Delivery;
  expanded: boolean;
  onToggle: () => void;
}) {
  const detailId = () => `delivery-${props.delivery.deliveryId}`;
  const sendLabel = () => manualSendLabel(props.delivery);
  return (
    <>
      <tr classList={{ expanded: props.expanded }}>
        <td class="muted nowrap">
          <time datetime={props.delivery.createdAt.toISOString()}>
            {shortDateTime(props.delivery.createdAt)}
          </time>
        </td>
        <td class="mono">{props.delivery.eventType}</td>
        <td>
          <DeliveryStatusBadge delivery={props.delivery} />
        </td>
        <td data-label="Tries">{props.delivery.attempts}</td>
        <td>
          <Show when={props.delivery.lastAttempt}>
            {(last) => (
              <div class="row" style={{ gap: '6px' }}>
                <ResultBadge statusCode={last().statusCode} error={last().error} />
                <span class="muted">{last().responseTimeMs} ms</span>
              </div>
            )}
          </Show>
          <Show when={props.delivery.status === 'pending' && props.delivery.nextAttemptAt}>
            {(next) => <div class="muted">next try {next().toLocaleTimeString()}</div>}
          </Show>
        </td>
        <td class="actions">
          <div class="row nowrap" style={{ gap: '6px', 'justify-content': 'flex-end' }}>
            <Show when={sendLabel()}>
              {(label) => (
                <SendNowButton
                  webhookId={props.webhookId}
                  delivery={props.delivery}
                  label={label()}
                />
              )}
            </Show>
            <button
              type="button"
              class="small"
              aria-expanded={props.expanded}
              aria-controls={detailId()}
              aria-label={`Details of ${props.delivery.eventType} of ${props.delivery.createdAt.toLocaleString()}`}
              onClick={() => props.onToggle()}
            >
              {props.expanded ? 'Hide' : 'Details'}
            </button>
          </div>
        </td>
      </tr>
      <Show when={props.expanded}>
        <tr class="detail-row">
          <td colSpan={COLUMNS} id={detailId()}>
            <DeliveryDetail webhookId={props.webhookId} deliveryId={props.delivery.deliveryId} />
          </td>
        </tr>
      </Show>
    </>
  );
}

function DeliveriesLog(props: { id: string }) {
  const { client } = useApi();
  const [page, setPage] = createSignal(1);
  const [status, setStatus] = createSignal<TDeliveryStatus | ''>('');
  const [eventType, setEventType] = createSignal<EventFilter | ''>('');
  const [expanded, setExpanded] = createSignal<string | null>(null);
  const [recovering, setRecovering] = createSignal(false);
  useLiveDeliveries(() => props.id);

  const input = (): DeliveriesInput => ({
    id: props.id,
    page: page(),
    pageSize: PAGE_SIZE,
    ...(status() ? { status: status() as TDeliveryStatus } : {}),
    ...(eventType() ? { eventType: eventType() as EventFilter } : {}),
  });
  const deliveries = useQuery(() => ({
    ...webhookDeliveriesQuery(client, input()),
    placeholderData: keepPreviousData,
  }));
  const filtered = () => status() !== '' || eventType() !== '';

  return (
    <>
      <div class="row filters">
        <label class="field">
          <span>Status</span>
          <select
            value={status()}
            onChange={(e) => {
              setStatus(e.currentTarget.value as TDeliveryStatus | '');
              setPage(1);
            }}
          >
            <option value="">All</option>
            <option value="pending">Pending</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label class="field">
          <span>Event</span>
          <select
            value={eventType()}
            onChange={(e) => {
              setEventType(e.currentTarget.value as EventFilter | '');
              setPage(1);
            }}
          >
            <option value="">All events</option>
            <For each={EVENT_FILTERS}>{(type) => <option value={type}>{type}</option>}</For>
          </select>
        </label>
        <button
          type="button"
          class="recover-toggle"
          aria-expanded={recovering()}
          onClick={() => setRecovering((open) => !open)}
        >
          Recover failed…
        </button>
      </div>
      <Show when={recovering()}>
        <RecoverForm webhookId={props.id} onDone={() => setRecovering(false)} />
      </Show>
      <PagedTable
        query={deliveries}
        page={page()}
        pageSize={PAGE_SIZE}
        onPage={setPage}
        loadingLabel="Loading deliveries…"
        tableClass="stacked"
        empty={
          filtered()
            ? 'No deliveries match these filters.'
            : 'No deliveries yet. Use Test to send one.'
        }
        head={
          <>
            <th>Created</th>
            <th>Event</th>
            <th>Status</th>
            <th>Tries</th>
            <th>Last answer</th>
            <th>
              <span class="visually-hidden">Actions</span>
            </th>
          </>
        }
        row={(delivery) => (
          <DeliveryRows
            webhookId={props.id}
            delivery={delivery}
            expanded={expanded() === delivery.deliveryId}
            onToggle={() =>
              setExpanded((open) => (open === delivery.deliveryId ? null : delivery.deliveryId))
            }
          />
        )}
      />
    </>
  );
}

/** A webhook's deliveries, newest first, each with its attempts; live while open. */
export function DeliveriesDialog(props: {
  webhook: { id: string; url: string } | null;
  onClose: () => void;
}) {
  return (
    <Modal
      open={props.webhook !== null}
      onOpenChange={(open) => !open && props.onClose()}
      title="Deliveries"
      wide
    >
      <ModalDescription class="mono muted" style={{ 'overflow-wrap': 'anywhere' }}>
        {props.webhook?.url}
      </ModalDescription>
      <Show when={props.webhook?.id} keyed>
        {(id) => <DeliveriesLog id={id} />}
      </Show>
      <div class="dialog-actions">
        <button type="button" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
    </Modal>
  );
}
