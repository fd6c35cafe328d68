import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createSignal, For, Match, Switch } from 'solid-js';
import { toast } from 'solid-sonner';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import { webhooksClient, type Webhook } from '../api/routers.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { usePageTitle } from '../components/page-title.ts';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { DeliveriesDialog } from './deliveries-dialog.tsx';
import { SecretDialog } from './secret-dialog.tsx';
import { WebhookCard } from './webhook-card.tsx';
import { WebhookFormDialog, type WebhookDraft } from './webhook-form-dialog.tsx';
import { WEBHOOKS_KEY, webhookHealthQuery, webhookListQuery } from './webhook-queries.ts';

/** Endpoint health moves slowly: a refresh every half minute keeps the cards current. */
const HEALTH_REFRESH_MS = 30_000;

const NEW_WEBHOOK: WebhookDraft = { url: '', events: ['import.completed'], enabled: true };

export function WebhooksPage() {
  usePageTitle('Webhooks');
  const { client } = useApi();
  const queryClient = useQueryClient();
  const webhooks = webhooksClient(client);
  const list = useQuery(() => webhookListQuery(client));
  const health = useQuery(() => ({
    ...webhookHealthQuery(client),
    refetchInterval: HEALTH_REFRESH_MS,
  }));
  const healthOf = (id: string) => health.data?.find((entry) => entry.webhookId === id);
  const refresh = () => queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });

  const [creating, setCreating] = createSignal(false);
  const [editing, setEditing] = createSignal<Webhook | null>(null);
  const [deleting, setDeleting] = createSignal<Webhook | null>(null);
  const [showingDeliveries, setShowingDeliveries] = createSignal<Webhook | null>(null);
  const [rotating, setRotating] = createSignal<Webhook | null>(null);
  const [secret, setSecret] = createSignal<{ value: string; note?: string } | null>(null);

  const create = (draft: WebhookDraft) =>
    webhooks.create.mutate(draft).then((created) => {
      void refresh();
      toast.success('Webhook added');
      setSecret({ value: created.secret });
    });
  const update = (draft: WebhookDraft) =>
    webhooks.update.mutate({ id: editing()!.id, ...draft }).then(() => {
      void refresh();
      toast.success('Webhook saved');
    });
  const rotate = useMutation(() => ({
    mutationFn: (id: string) => webhooks.rotateSecret.mutate({ id }),
    onSuccess: (rotated) => {
      setSecret({
        value: rotated.secret,
        note:
          `The previous secret keeps signing alongside it until ` +
          `${rotated.previousSecretExpiresAt?.toLocaleString() ?? 'tomorrow'}: ` +
          `give the receiver the new one before then.`,
      });
    },
    onError: (error: unknown) => toast.error(`Could not rotate the secret: ${errorMessage(error)}`),
    onSettled: () => {
      setRotating(null);
      return refresh();
    },
  }));
  const remove = useMutation(() => ({
    mutationFn: (id: string) => webhooks.delete.mutate({ id }),
    onSuccess: () => toast.success('Webhook deleted'),
    onError: (error: unknown) =>
      toast.error(`Could not delete the webhook: ${errorMessage(error)}`),
    onSettled: () => {
      setDeleting(null);
      return refresh();
    },
  }));

  return (
    <>
      <div class="page-head">
        <h1>Webhooks</h1>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Add webhook
        </button>
      </div>
      <p class="muted" style={{ margin: 0 }}>
        Signed HTTP callbacks (Standard Webhooks) sent when products change or an import ends.
      </p>
      <Switch>
        <Match when={list.isPending}>
          <Loading label="Loading webhooks…" />
        </Match>
        <Match when={list.isError && !list.data}>
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        </Match>
        <Match when={list.data?.length === 0}>
          <Empty>No webhooks yet. Add one to notify another system about changes.</Empty>
        </Match>
        <Match when={list.data}>
          {(items) => (
            <For each={items()}>
              {(webhook) => (
                <WebhookCard
                  webhook={webhook}
                  onEdit={() => setEditing(webhook)}
                  onDelete={() => setDeleting(webhook)}
                  onDeliveries={() => setShowingDeliveries(webhook)}
                  onRotateSecret={() => setRotating(webhook)}
                  health={healthOf(webhook.id)}
                />
              )}
            </For>
          )}
        </Match>
      </Switch>

      <WebhookFormDialog
        title="Add webhook"
        submitLabel="Add webhook"
        open={creating()}
        onOpenChange={setCreating}
        initial={NEW_WEBHOOK}
        onSubmit={create}
      />
      <WebhookFormDialog
        title="Edit webhook"
        submitLabel="Save"
        open={editing() !== null}
        onOpenChange={(open) => !open && setEditing(null)}
        initial={editing() ?? NEW_WEBHOOK}
        onSubmit={update}
      />
      <SecretDialog
        secret={secret()?.value ?? null}
        note={secret()?.note}
        onClose={() => setSecret(null)}
      />
      <DeliveriesDialog webhook={showingDeliveries()} onClose={() => setShowingDeliveries(null)} />
      <ConfirmDialog
        open={rotating() !== null}
        onOpenChange={(open) => !open && setRotating(null)}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        busyLabel="Rotating…"
        tone="primary"
        busy={rotate.isPending}
        onConfirm={() => rotate.mutate(rotating()!.id)}
      >
        <p>
          A new secret signs every request from now on. For 24 hours the current one signs too (both
          signatures in <span class="mono">webhook-signature</span>), so the receiver keeps
          accepting requests while you switch it over. Then the current one stops.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={deleting() !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title="Delete webhook?"
        confirmLabel="Delete webhook"
        busyLabel="Deleting…"
        busy={remove.isPending}
        onConfirm={() => remove.mutate(deleting()!.id)}
      >
        <p>
          <span class="mono" style={{ 'overflow-wrap': 'anywhere' }}>
            {deleting()?.url}
          </span>{' '}
          will receive no more events. Its delivery log is deleted with it.
        </p>
      </ConfirmDialog>
    </>
  );
}
