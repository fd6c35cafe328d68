import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { toast } from 'solid-sonner';
import type { RouterInputs, RouterOutputs } from '@acme/api/client-types';
import { useApi } from '../api/context.tsx';
import { errorMessage, fieldErrors, trpcMutation } from '../api/query.ts';
import { PRODUCTS_KEY } from './product-queries.ts';

type ProductList = RouterOutputs['products']['list'];
type UpdateInput = RouterInputs['products']['update'];

/**
 * Inline edits: every cached products page shows the change at once; on failure the pages are
 * put back as they were and the error's message (the field's own, when there is one) is thrown
 * to the cell that asked.
 */
export function useUpdateProduct() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const mutation = useMutation(() => ({
    ...trpcMutation(client.products.update),
    onMutate: async (patch: UpdateInput) => {
      await queryClient.cancelQueries({ queryKey: PRODUCTS_KEY });
      const snapshot = queryClient.getQueriesData<ProductList>({
        queryKey: [...PRODUCTS_KEY, 'list'],
      });
      queryClient.setQueriesData<ProductList>(
        { queryKey: [...PRODUCTS_KEY, 'list'] },
        (list) =>
          list && {
            ...list,
            items: list.items.map((item) => (item.id === patch.id ? { ...item, ...patch } : item)),
          },
      );
      return { snapshot };
    },
    onError: (_error, _patch, context) => {
      for (const [key, data] of context?.snapshot ?? []) queryClient.setQueryData(key, data);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: PRODUCTS_KEY }),
  }));
  return async (patch: UpdateInput): Promise<void> => {
    try {
      await mutation.mutateAsync(patch);
    } catch (error) {
      const [field] = Object.keys(patch).filter((key) => key !== 'id');
      throw new Error((field && fieldErrors(error)[field]) || errorMessage(error), {
        cause: error,
      });
    }
  };
}

/** For how many days a delete can be undone (IMPORT_UNDO_DAYS; 0: undo is off). */
export function useUndoWindow() {
  const { client } = useApi();
  return useQuery(() => ({
    queryKey: [...PRODUCTS_KEY, 'undoWindow'],
    queryFn: () => client.products.undoWindow.query(),
    staleTime: Infinity,
  }));
}

/** For how long a delete can be undone, or that it cannot (the delete dialogs say it). */
export function undoNote(days: number | undefined): string {
  if (days === 0) return 'This cannot be undone.';
  if (days === undefined) return 'You can undo it from the message that follows.';
  return `You can undo it for ${days} day${days === 1 ? '' : 's'}, from the message that follows.`;
}

/** The delete-all dialog's warning. */
export function deleteAllWarning(days: number | undefined): string {
  return `Are you sure? ${undoNote(days)}`;
}

export function restoredText({ restored, skipped }: { restored: number; skipped: number }) {
  const back = `Restored ${restored.toLocaleString()} product${restored === 1 ? '' : 's'}`;
  return skipped
    ? `${back}; ${skipped.toLocaleString()} skipped (their SKU was taken meanwhile)`
    : back;
}

/**
 * After a delete: a toast saying what went, with an Undo button that restores it
 * (`products.restore`). A delete-all's toast stays until closed; without a restoreId (undo is off)
 * it is a plain message.
 */
export function useDeletedToast() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const restore = useMutation(() => ({
    mutationFn: (restoreId: string) => client.products.restore.mutate({ restoreId }),
    // Bringing back a large delete takes seconds (15 s for 1M products, docs/performance.md), and
    // the delete's toast closes on Undo: this one says it runs until the outcome's toast replaces it.
    onMutate: () => ({ progress: toast.loading('Restoring the deleted products…') }),
    onSuccess: (counts: RouterOutputs['products']['restore']) =>
      void toast.success(restoredText(counts)),
    onError: (error: unknown) => void toast.error(`Could not undo: ${errorMessage(error)}`),
    onSettled: (_data, _error, _restoreId, context) => {
      if (context) toast.dismiss(context.progress);
      return queryClient.invalidateQueries({ queryKey: PRODUCTS_KEY });
    },
  }));
  return (message: string, restoreId: string | null, options: { persistent?: boolean } = {}) =>
    toast.success(
      message,
      restoreId
        ? {
            duration: options.persistent ? Infinity : 10_000,
            action: { label: 'Undo', onClick: () => restore.mutate(restoreId) },
          }
        : {},
    );
}
