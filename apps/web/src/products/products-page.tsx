import { A } from '@solidjs/router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createEffect, createSignal, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { toast } from 'solid-sonner';
import { BULK_IDS_MAX, type TProductUpdateInput } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { errorMessage, trpcMutation } from '../api/query.ts';
import type { Product } from '../api/routers.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { usePageTitle } from '../components/page-title.ts';
import { PagedTable } from '../components/paged-table.tsx';
import { BulkActions } from './bulk-actions.tsx';
import { CreateProductDialog } from './create-product-dialog.tsx';
import type { CellEdit } from './editable-cell.tsx';
import { productColumns, type ProductColumn } from './product-columns.tsx';
import {
  deleteAllWarning,
  useDeletedToast,
  useUndoWindow,
  useUpdateProduct,
} from './product-mutations.ts';
import { PRODUCTS_KEY, productListQuery } from './product-queries.ts';
import { exportUrl } from './product-export.ts';
import { ProductsFilters } from './products-filters.tsx';
import { ProductsTotal } from './products-total.tsx';
import { PAGE_SIZES } from './products-view.ts';
import { useProductsView, type ProductsViewState } from './use-products-view.ts';
import { useSelection } from './use-selection.ts';
import { useStableOrder } from './use-stable-order.ts';

export function ProductsPage() {
  usePageTitle('Products');
  const { client, baseUrl } = useApi();
  const queryClient = useQueryClient();
  const updateProduct = useUpdateProduct();
  const view = useProductsView();

  const list = useQuery(() => ({
    ...productListQuery(client, view.input()),
    placeholderData: keepPreviousData,
  }));
  const pageCount = () => Math.max(1, Math.ceil((list.data?.total ?? 0) / view.pageSize()));
  // After deletes the current page may no longer exist.
  createEffect(() => {
    if (list.data && view.page() > pageCount()) view.setPage(pageCount());
  });
  const stable = useStableOrder(
    () => list.data?.items ?? [],
    (product) => product.id,
    view.viewKey,
  );

  const selection = useSelection(() => JSON.stringify(view.filter()));
  const pageIds = () => (list.data?.items ?? []).map((product) => product.id);
  const pageSelection = () => {
    const ids = pageIds();
    const picked = ids.filter((id) => selection.isSelected(id)).length;
    return picked === 0 ? 'none' : picked === ids.length ? 'all' : 'some';
  };
  const tooMany = () =>
    toast.error(
      `At most ${BULK_IDS_MAX.toLocaleString()} products can be picked one by one; use "Select all" for every match`,
    );
  const pick = (ids: number[], selected: boolean) => {
    const done = selection.set(ids, selected);
    if (!done) tooMany();
    return done;
  };

  const [toDelete, setToDelete] = createSignal<Product | null>(null);
  const deletedToast = useDeletedToast();
  const undoWindow = useUndoWindow();
  const remove = useMutation(() => trpcMutation(client.products.delete));
  const confirmDelete = () => {
    const product = toDelete();
    if (!product) return;
    remove.mutate(
      { id: product.id },
      {
        onSuccess: ({ restoreId }) => {
          deletedToast(`Deleted ${product.sku}`, restoreId);
          stable.forget([product.id]);
          selection.set([product.id], false);
          setToDelete(null);
        },
        onError: (error) => {
          toast.error(`Could not delete ${product.sku}: ${errorMessage(error)}`);
          setToDelete(null);
        },
        onSettled: () => void queryClient.invalidateQueries({ queryKey: PRODUCTS_KEY }),
      },
    );
  };

  const [deleteAllOpen, setDeleteAllOpen] = createSignal(false);
  const removeAll = useMutation(() => trpcMutation(client.products.deleteAll));
  const confirmDeleteAll = () =>
    removeAll.mutate(
      { confirm: true },
      {
        onSuccess: ({ deleted, restoreId }) => {
          deletedToast(`Deleted all products (${deleted.toLocaleString()})`, restoreId, {
            persistent: true,
          });
          stable.release();
          selection.clear();
          setDeleteAllOpen(false);
        },
        onError: (error) => {
          toast.error(`Delete all failed: ${errorMessage(error)}`);
          setDeleteAllOpen(false);
        },
        onSettled: () => void queryClient.invalidateQueries({ queryKey: PRODUCTS_KEY }),
      },
    );

  const [edits, setEdits] = createStore<Record<string, CellEdit | undefined>>({});
  const columns = productColumns({
    edit: (key) => edits[key] ?? null,
    setEdit: (key, edit) => setEdits(key, edit ?? undefined),
    save: (patch: TProductUpdateInput) => {
      // The edited row stays where it is (under "newest change first" it would jump to the top).
      stable.pin();
      return updateProduct(patch);
    },
    onDelete: setToDelete,
    isSelected: selection.isSelected,
    setSelected: (id, selected) => pick([id], selected),
    pageSelection,
    selectPage: (selected) => pick(pageIds(), selected),
  });

  return (
    <>
      <div class="page-head">
        <h1>Products</h1>
        <CreateProductDialog />
        <button
          type="button"
          class="danger"
          disabled={!list.data?.total}
          onClick={() => setDeleteAllOpen(true)}
        >
          Delete all
        </button>
      </div>

      <ProductsFilters view={view} />

      <div class="grid-toolbar">
        <BulkActions
          selection={selection}
          filter={view.filter()}
          filtered={view.filtered()}
          total={list.data?.total ?? 0}
          estimate={list.data?.totalIsEstimate ?? false}
          pageSelected={pageSelection() === 'all'}
          onDone={stable.release}
        />
        <Show when={list.data?.total}>
          <a class="button small" href={exportUrl(baseUrl, view.filter())} download="">
            {view.filtered() ? 'Export matches (CSV)' : 'Export all (CSV)'}
          </a>
        </Show>
      </div>

      <PagedTable
        query={list}
        items={stable.rows()}
        page={view.page()}
        pageSize={view.pageSize()}
        onPage={(target) => view.goToPage(target, list.isPlaceholderData ? undefined : list.data)}
        loadingLabel="Loading products…"
        label="Products"
        tableClass="products-grid"
        alwaysPaginate
        empty={
          <Show
            when={view.filtered()}
            fallback={
              <>
                No products yet. <A href="/imports">Import a file</A> or create one.
              </>
            }
          >
            No products match these filters.
          </Show>
        }
        head={<ProductsHead columns={columns} view={view} />}
        rowKey={(product) => product.id}
        liveRow={(product) => (
          <tr>
            <For each={columns}>
              {(column) => (
                <td class={column.class} classList={{ 'hide-narrow': column.hideNarrow }}>
                  {column.cell(product)}
                </td>
              )}
            </For>
          </tr>
        )}
        footer={
          <>
            <ProductsTotal
              total={list.data?.total ?? 0}
              estimate={list.data?.totalIsEstimate ?? false}
              page={view.page()}
              pageCount={pageCount()}
              counting={list.isFetching && view.countingExactly()}
              onCountExactly={view.countExactly}
            />
            <div class="row">
              <label class="muted" for="page-size">
                Per page
              </label>
              <select
                id="page-size"
                value={view.pageSize()}
                onChange={(e) => view.setPageSize(Number(e.currentTarget.value))}
              >
                <For each={PAGE_SIZES}>{(size) => <option value={size}>{size}</option>}</For>
              </select>
            </div>
          </>
        }
      />

      <ConfirmDialog
        open={toDelete() !== null}
        onOpenChange={(open) => !open && setToDelete(null)}
        title="Delete product?"
        confirmLabel="Delete"
        busyLabel="Deleting…"
        busy={remove.isPending}
        onConfirm={confirmDelete}
      >
        <p>
          Delete <strong>{toDelete()?.sku}</strong> ({toDelete()?.name})?
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={deleteAllOpen()}
        onOpenChange={setDeleteAllOpen}
        title="Delete all products"
        confirmLabel="Delete all products"
        busyLabel="Deleting all…"
        busy={removeAll.isPending}
        onConfirm={confirmDeleteAll}
      >
        <p>{deleteAllWarning(undoWindow.data?.days)}</p>
        <p class="muted">
          All {list.data?.total.toLocaleString()} products in the catalogue will be deleted.
        </p>
      </ConfirmDialog>
    </>
  );
}

const ARIA_SORT = { asc: 'ascending', desc: 'descending', none: 'none' } as const;
const ARROW = { asc: ' ▲', desc: ' ▼', none: '' } as const;
const DESC_FIRST = new Set<string>(['updatedAt', 'createdAt', 'active', 'id']);

/** The header row: sortable columns are buttons, and say how they sort (`aria-sort`). */
function ProductsHead(props: { columns: ProductColumn[]; view: ProductsViewState }) {
  const sortOf = (column: ProductColumn) =>
    props.view.sort().field === column.sortField ? props.view.sort().direction : undefined;
  const toggle = (column: ProductColumn) => {
    const field = column.sortField;
    if (!field) return;
    // The same column flips; a new one starts with text A→Z, dates and states newest/on first.
    const current = sortOf(column);
    const first = DESC_FIRST.has(field) ? 'desc' : 'asc';
    props.view.setSort({
      field,
      direction: current ? (current === 'asc' ? 'desc' : 'asc') : first,
    });
  };
  return (
    <For each={props.columns}>
      {(column) => (
        <th
          class={column.class}
          classList={{ 'hide-narrow': column.hideNarrow }}
          scope="col"
          aria-sort={column.sortField ? ARIA_SORT[sortOf(column) ?? 'none'] : undefined}
        >
          <Show
            when={column.sortField}
            fallback={
              column.headerCell?.() ?? (
                <span classList={{ 'visually-hidden': column.hideHeader }}>{column.header}</span>
              )
            }
          >
            <button type="button" class="sort" onClick={() => toggle(column)}>
              {column.header}
              {ARROW[sortOf(column) ?? 'none']}
            </button>
          </Show>
        </th>
      )}
    </For>
  );
}
