import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { Match, Switch } from 'solid-js';
import { toast } from 'solid-sonner';
import type { TImport, TImportRevertCounts } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { IMPORTS_KEY } from './import-queries.ts';

/** Whether the history offers Revert for an import: completed, not reverted, window open. */
export function isRevertible(
  item: Pick<TImport, 'status' | 'revertedAt' | 'revertibleUntil'>,
  now = new Date(),
): boolean {
  return (
    item.status === 'completed' &&
    item.revertedAt === null &&
    item.revertibleUntil !== null &&
    item.revertibleUntil > now
  );
}

const products = (count: number) => `${count.toLocaleString()} product${count === 1 ? '' : 's'}`;

/** What a revert does (or did), in words, from its counts. */
export function revertText({ restored, deleted, kept }: TImportRevertCounts): string[] {
  return [
    `${products(restored)} it updated will be put back as they were before it.`,
    `${products(deleted)} it created will be deleted.`,
    ...(kept
      ? [
          `${products(kept)} changed since the import (edited, imported again or deleted) will be kept as they are now.`,
        ]
      : []),
  ];
}

/**
 * Confirms the revert of an import, showing what it will do: the counts of a dry run
 * (`imports.revertPreview`), read when the dialog opens.
 */
export function RevertImportDialog(props: { item: TImport | null; onClose: () => void }) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const preview = useQuery(() => ({
    queryKey: [...IMPORTS_KEY, 'revertPreview', props.item?.id],
    queryFn: () => client.imports.revertPreview.query({ id: props.item!.id }),
    enabled: props.item !== null,
    staleTime: 0,
    gcTime: 0,
  }));
  const revert = useMutation(() => ({
    mutationFn: (id: string) => client.imports.revert.mutate({ id }),
    onSuccess: (counts: TImportRevertCounts) =>
      void toast.success(
        `Reverted ${props.item?.filename ?? 'the import'}: ${counts.restored.toLocaleString()} restored, ${counts.deleted.toLocaleString()} deleted, ${counts.kept.toLocaleString()} kept`,
      ),
    onError: (error: unknown) => void toast.error(`Could not revert: ${errorMessage(error)}`),
    onSettled: () => {
      props.onClose();
      void queryClient.invalidateQueries({ queryKey: IMPORTS_KEY });
      void queryClient.invalidateQueries({ queryKey: ['products'] });
    },
  }));
  return (
    <ConfirmDialog
      open={props.item !== null}
      onOpenChange={(open) => !open && props.onClose()}
      title="Revert import?"
      confirmLabel="Revert import"
      busyLabel="Reverting…"
      busy={revert.isPending}
      onConfirm={() => {
        // Confirming before the dry run answered would revert blind: wait for its counts.
        if (props.item && preview.data) revert.mutate(props.item.id);
      }}
    >
      <p>
        Revert <strong>{props.item?.filename}</strong>?
      </p>
      <Switch>
        <Match when={preview.isPending}>
          <p class="muted">Checking what the revert would change…</p>
        </Match>
        <Match when={preview.isError}>
          <p role="alert">{errorMessage(preview.error)}</p>
        </Match>
        <Match when={preview.data}>
          {(counts) => (
            <ul>
              {revertText(counts()).map((line) => (
                <li>{line}</li>
              ))}
            </ul>
          )}
        </Match>
      </Switch>
    </ConfirmDialog>
  );
}
