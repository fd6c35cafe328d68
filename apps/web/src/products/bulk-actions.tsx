import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { createSignal, Show } from 'solid-js';
import { toast } from 'solid-sonner';
import { useApi } from '../api/context.tsx';
import { errorMessage, trpcMutation } from '../api/query.ts';
import type { ProductListInput } from '../api/routers.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { undoNote, useDeletedToast, useUndoWindow } from './product-mutations.ts';
import { PRODUCTS_KEY } from './product-queries.ts';
import type { Selection } from './use-selection.ts';

type Action = 'active' | 'inactive' | 'delete';
type Filter = Pick<ProductListInput, 'sku' | 'name' | 'description' | 'active'>;

const plural = (count: number, word: string) =>
  `${count.toLocaleString()} ${count === 1 ? word : `${word}s`}`;

/**
 * The bar over the grid while products are selected: how many, "Select all N matching" once the
 * whole page is picked, and Set active / Set inactive / Delete for the selection (by id) or for
 * every product the filter matches (by filter, on the server). Deleting, and any change to every
 * match, asks first; a delete's toast offers Undo, like a single delete's.
 */
export function BulkActions(props: {
  selection: Selection;
  filter: Filter;
  /** Whether a filter narrows the list (without one, "delete all matching" is Delete all). */
  filtered: boolean;
  total: number;
  estimate: boolean;
  /** Whether every row on the page is selected. */
  pageSelected: boolean;
  /** After a bulk change: the rows on screen may reorder again. */
  onDone: () => void;
}) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const updateMany = useMutation(() => trpcMutation(client.products.updateMany));
  const deleteMany = useMutation(() => trpcMutation(client.products.deleteMany));
  const deletedToast = useDeletedToast();
  const undoWindow = useUndoWindow();
  const [confirming, setConfirming] = createSignal<Action | null>(null);

  const about = () => (props.estimate ? 'about ' : '');
  const matching = () =>
    `all ${about()}${plural(props.total, 'product')}${props.filtered ? ' matching the filters' : ''}`;
  const described = () =>
    props.selection.allMatching() ? matching() : plural(props.selection.ids().size, 'product');
  const target = () =>
    props.selection.allMatching() ? { filter: props.filter } : { ids: [...props.selection.ids()] };

  /** What a change to every match says while it runs, e.g. "Setting all 312,641 products … inactive…". */
  const running = (action: Action) =>
    action === 'delete' ? `Deleting ${matching()}…` : `Setting ${matching()} ${action}…`;
  const perform = (action: Action) => {
    // A change to every match can take a minute at a million products (docs/performance.md): the
    // dialog closes at once and a toast says what runs until it settles, so the grid stays usable.
    const progress = props.selection.allMatching() ? toast.loading(running(action)) : undefined;
    if (progress !== undefined) setConfirming(null);
    const settle = () => {
      if (progress !== undefined) toast.dismiss(progress);
      setConfirming(null);
      props.selection.clear();
      props.onDone();
      void queryClient.invalidateQueries({ queryKey: PRODUCTS_KEY });
    };
    if (action === 'delete') {
      deleteMany.mutate(
        { target: target(), confirm: true },
        {
          // A delete of every match (possibly thousands) keeps its Undo until closed.
          onSuccess: ({ deleted, restoreId }, { target }) =>
            deletedToast(`Deleted ${plural(deleted, 'product')}`, deleted > 0 ? restoreId : null, {
              persistent: target.filter !== undefined,
            }),
          onError: (error) => toast.error(`Could not delete: ${errorMessage(error)}`),
          onSettled: settle,
        },
      );
      return;
    }
    updateMany.mutate(
      { target: target(), set: { active: action === 'active' } },
      {
        onSuccess: ({ updated }) =>
          toast.success(
            updated === 0
              ? `Nothing to change: already ${action}`
              : `Set ${plural(updated, 'product')} ${action}`,
          ),
        onError: (error) => toast.error(`Could not change: ${errorMessage(error)}`),
        onSettled: settle,
      },
    );
  };
  // A change to every match (possibly thousands) or a delete is confirmed first.
  const request = (action: Action) =>
    action === 'delete' || props.selection.allMatching() ? setConfirming(action) : perform(action);
  const busy = () => updateMany.isPending || deleteMany.isPending;

  return (
    <>
      <Show when={props.selection.any()}>
        <div class="bulk-bar" role="region" aria-label="Selection">
          <span aria-live="polite">
            <strong>
              {props.selection.allMatching()
                ? `All ${about()}${plural(props.total, 'product')} selected`
                : `${props.selection.ids().size.toLocaleString()} selected`}
            </strong>
          </span>
          <Show
            when={
              !props.selection.allMatching() &&
              props.pageSelected &&
              props.total > props.selection.ids().size
            }
          >
            <button
              type="button"
              class="small ghost"
              onClick={() => props.selection.selectAllMatching()}
            >
              {`Select ${matching()}`}
            </button>
          </Show>
          <span class="spacer" />
          <button type="button" class="small" disabled={busy()} onClick={() => request('active')}>
            Set active
          </button>
          <button type="button" class="small" disabled={busy()} onClick={() => request('inactive')}>
            Set inactive
          </button>
          <Show when={!props.selection.allMatching() || props.filtered}>
            <button
              type="button"
              class="small danger"
              disabled={busy()}
              onClick={() => request('delete')}
            >
              {props.selection.allMatching() ? 'Delete all matching' : 'Delete selected'}
            </button>
          </Show>
          <button type="button" class="small ghost" onClick={() => props.selection.clear()}>
            Clear selection
          </button>
        </div>
      </Show>
      <ConfirmDialog
        open={confirming() !== null}
        onOpenChange={(open) => !open && setConfirming(null)}
        title={confirming() === 'delete' ? 'Delete products?' : 'Change every match?'}
        confirmLabel={
          confirming() === 'delete'
            ? `Delete ${described()}`
            : `Set ${described()} ${confirming() ?? ''}`
        }
        busyLabel={confirming() === 'delete' ? 'Deleting…' : 'Saving…'}
        busy={busy()}
        onConfirm={() => {
          const action = confirming();
          if (action) perform(action);
        }}
      >
        <p>
          {confirming() === 'delete'
            ? `Delete ${described()}? ${undoNote(undoWindow.data?.days)}`
            : `Set ${described()} ${confirming() ?? ''}?`}
        </p>
      </ConfirmDialog>
    </>
  );
}
