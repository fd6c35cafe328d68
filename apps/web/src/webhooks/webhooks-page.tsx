import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createSignal, For, Match, Switch } from 'solid-js';
import { toast } from 'solid-sonner';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import { webhooksClient, type Webhook } from '../api/routers.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { DeliveriesDialog } from './deliveries-dialog.tsx';
import { SecretDialog } from './secret-dialog.tsx';
import { WebhookCard } from './webhook-card.tsx';
import { WebhookFormDialog, type WebhookDraft } from './webhook-form-dialog.tsx';
import { WEBHOOKS_KEY, webhookListQuery } from './webhook-queries.ts';

const NEW_WEBHOOK: WebhookDraft = { url: '', events: ['import.completed'], enabled: true };

export function WebhooksPage() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const webhooks = webhooksClient(client);
  const list = useQuery(() => webhookListQuery(client));
  const refresh = () => queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });

  const [creating, setCreating] = createSignal(false);
  const [editing, setEditing] = createSignal<Webhook | null>(null);
  const [deleting, setDeleting] = createSignal<Webhook | null>(null);
  const [showingDeliveries, setShowingDeliveries] = createSignal<Webhook | null>(null);
  const [secret, setSecret] = createSignal<string | null>(null);

  const create = (draft: WebhookDraft) =>
    webhooks.create.mutate(draft).then((created) => {
      void refresh();
      toast.success('Webhook added');
      setSecret(created.secret);
    });
  const update = (draft: WebhookDraft) =>
    webhooks.update.mutate({ id: editing()!.id, ...draft }).then(() => {
      void refresh();
      toast.success('Webhook saved');
    });
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
      <SecretDialog secret={secret()} onClose={() => setSecret(null)} />
      <DeliveriesDialog webhook={showingDeliveries()} onClose={() => setShowingDeliveries(null)} />
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
