// Namespace import: Kobalte's `Dialog` object is shared with (and overwritten by) AlertDialog.
import * as Dialog from '@kobalte/core/dialog';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createSignal, Show } from 'solid-js';
import { toast } from 'solid-sonner';
import { TEST_EVENT_TYPE, type TDeliveryAttempt } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import { PagedTable } from '../components/paged-table.tsx';
import { webhookDeliveriesQuery } from './webhook-queries.ts';

const PAGE_SIZE = 20;

/**
 * Resend sits on the newest attempt of a finished event delivery: not on tests (Test sends a new
 * one), and not while automatic retries are still due.
 */
function canResend(attempt: TDeliveryAttempt, newestOfItsDelivery: boolean): boolean {
  return (
    newestOfItsDelivery &&
    attempt.deliveryStatus !== 'pending' &&
    attempt.eventType !== TEST_EVENT_TYPE
  );
}

function ResendButton(props: { webhookId: string; deliveryId: string }) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const resend = useMutation(() => ({
    mutationFn: () =>
      client.webhooks.redeliver.mutate({ id: props.webhookId, deliveryId: props.deliveryId }),
    onSuccess: () => {
      toast.success('Delivery queued to be sent again');
      void queryClient.invalidateQueries({ queryKey: ['webhooks', 'deliveries'] });
    },
    onError: (error) => toast.error(`Not resent: ${errorMessage(error)}`),
  }));
  return (
    <button type="button" disabled={resend.isPending} onClick={() => resend.mutate()}>
      {resend.isPending ? 'Resending…' : 'Resend'}
    </button>
  );
}

function DeliveriesTable(props: { id: string }) {
  const { client } = useApi();
  const [page, setPage] = createSignal(1);
  const deliveries = useQuery(() => ({
    ...webhookDeliveriesQuery(client, { id: props.id, page: page(), pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  }));
  /** Attempt ids that are the newest of their delivery on this page (the list is newest first). */
  const newest = () => {
    const seen = new Set<string>();
    const ids = new Set<number>();
    for (const attempt of deliveries.data?.items ?? []) {
      if (!seen.has(attempt.deliveryId)) ids.add(attempt.id);
      seen.add(attempt.deliveryId);
    }
    return ids;
  };
  return (
    <PagedTable
      query={deliveries}
      page={page()}
      pageSize={PAGE_SIZE}
      onPage={setPage}
      loadingLabel="Loading deliveries…"
      empty="No deliveries yet. Use Test to send one."
      head={
        <>
          <th>Time</th>
          <th>Event</th>
          <th class="hide-narrow">Try</th>
          <th>Result</th>
          <th class="hide-narrow">Details</th>
          <th>
            <span class="visually-hidden">Actions</span>
          </th>
        </>
      }
      row={(attempt) => (
        <tr>
          <td class="muted">{attempt.at.toLocaleString()}</td>
          <td class="mono">{attempt.eventType}</td>
          <td class="hide-narrow">{attempt.attempt}</td>
          <td>
            <ResultBadge statusCode={attempt.statusCode} error={attempt.error} />{' '}
            <span class="muted">{attempt.responseTimeMs} ms</span>
          </td>
          <td class="hide-narrow">
            <Show when={attempt.error}>
              <div>{attempt.error}</div>
            </Show>
            <Show when={attempt.nextAttemptAt}>
              {(next) => <div class="muted">retrying at {next().toLocaleString()}</div>}
            </Show>
            <Show when={attempt.responseExcerpt}>
              <div class="mono clamp muted">{attempt.responseExcerpt}</div>
            </Show>
          </td>
          <td>
            <Show when={canResend(attempt, newest().has(attempt.id))}>
              <ResendButton webhookId={props.id} deliveryId={attempt.deliveryId} />
            </Show>
          </td>
        </tr>
      )}
    />
  );
}

export function ResultBadge(props: { statusCode: number | null; error: string | null }) {
  const ok = () => props.statusCode !== null && props.statusCode >= 200 && props.statusCode < 300;
  return (
    <span class={`badge ${ok() ? 'ok' : 'danger'}`}>
      {props.statusCode ?? (props.error ? 'no answer' : '—')}
    </span>
  );
}

/** Every attempt to reach one webhook, newest first, refreshed while open. */
export function DeliveriesDialog(props: {
  webhook: { id: string; url: string } | null;
  onClose: () => void;
}) {
  return (
    <Dialog.Root open={props.webhook !== null} onOpenChange={(open) => !open && props.onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay class="dialog-overlay" />
        <div class="dialog-positioner">
          <Dialog.Content class="dialog wide">
            <Dialog.Title class="dialog-title">Deliveries</Dialog.Title>
            <Dialog.Description class="mono muted" style={{ 'overflow-wrap': 'anywhere' }}>
              {props.webhook?.url}
            </Dialog.Description>
            <Show when={props.webhook?.id} keyed>
              {(id) => <DeliveriesTable id={id} />}
            </Show>
            <div class="dialog-actions">
              <button type="button" onClick={() => props.onClose()}>
                Close
              </button>
            </div>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
