import { useMutation, useQueryClient } from '@tanstack/solid-query';
import type { RouterInputs, RouterOutputs } from '@acme/api/router';
import { useApi } from '../api/context.tsx';
import { errorMessage, fieldErrors, trpcMutation } from '../api/query.ts';

type ProductList = RouterOutputs['products']['list'];
type UpdateInput = RouterInputs['products']['update'];

export const PRODUCTS_KEY = ['products'] as const;

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
