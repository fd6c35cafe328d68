import { A, useSearchParams } from '@solidjs/router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import {
  createSolidTable,
  flexRender,
  getCoreRowModel,
  type ColumnDef,
  type SortingState,
} from '@tanstack/solid-table';
import {
  createEffect,
  createMemo,
  createSignal,
  For,
  Match,
  on,
  onCleanup,
  Show,
  Switch,
} from 'solid-js';
import { createStore } from 'solid-js/store';
import { toast } from 'solid-sonner';
import type { RouterInputs, RouterOutputs } from '@acme/api/router';
import {
  PRODUCT_SORT_FIELDS,
  ZProductDescription,
  ZProductName,
  ZSku,
  type TProductSort,
} from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { errorMessage, trpcMutation, trpcQuery } from '../api/query.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { usePageTitle } from '../components/page-title.ts';
import { Pagination } from '../components/pagination.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { Toggle } from '../components/toggle.tsx';
import { CreateProductDialog } from './create-product-dialog.tsx';
import { EditableCell, type CellEdit } from './editable-cell.tsx';
import {
  deleteAllWarning,
  PRODUCTS_KEY,
  useDeletedToast,
  useUndoWindow,
  useUpdateProduct,
} from './product-mutations.ts';
import { ProductsTotal } from './products-total.tsx';
import { PAGE_SIZES, readView, viewParams, type ActiveFilter } from './products-view.ts';

type Product = RouterOutputs['products']['list']['items'][number];
type ListInput = RouterInputs['products']['list'];

const FILTER_DEBOUNCE_MS = 300;

const messageOf =
  (schema: { safeParse: (v: string) => { error?: { issues: { message: string }[] } } }) =>
  (value: string) =>
    schema.safeParse(value).error?.issues[0]?.message ?? null;

function useDebouncedFilter(initial: string) {
  const [text, setText] = createSignal(initial);
  const [debounced, setDebounced] = createSignal(initial);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const update = (value: string) => {
    setText(value);
    clearTimeout(timer);
    timer = setTimeout(() => setDebounced(value), FILTER_DEBOUNCE_MS);
  };
  return { text, debounced, update };
}

const sortable = new Set<string>(PRODUCT_SORT_FIELDS);
/** Columns left out on a phone's width (they stay filterable). */
const NARROW_HIDDEN = new Set(['description', 'updatedAt']);

export function ProductsPage() {
  usePageTitle('Products');
  const { client } = useApi();
  const queryClient = useQueryClient();
  const updateProduct = useUpdateProduct();

  // The view starts from the URL and is written back to it (replacing, not pushing history).
  const [params, setParams] = useSearchParams();
  const initial = readView(params);
  const sku = useDebouncedFilter(initial.sku);
  const name = useDebouncedFilter(initial.name);
  const description = useDebouncedFilter(initial.description);
  const [active, setActive] = createSignal<ActiveFilter>(initial.active);
  const [page, setPage] = createSignal(initial.page);
  const [pageSize, setPageSize] = createSignal(initial.pageSize);
  const [sorting, setSorting] = createSignal<SortingState>([
    { id: initial.sort.field, desc: initial.sort.direction === 'desc' },
  ]);
  const sort = (): TProductSort => {
    const [first] = sorting();
    return first
      ? { field: first.id as TProductSort['field'], direction: first.desc ? 'desc' : 'asc' }
      : initial.sort;
  };
  createEffect(() =>
    setParams(
      viewParams({
        sku: sku.debounced(),
        name: name.debounced(),
        description: description.debounced(),
        active: active(),
        page: page(),
        pageSize: pageSize(),
        sort: sort(),
      }),
      { replace: true },
    ),
  );

  // What decides the matches, and what decides the pages: a cursor or an exact count asked for
  // applies only while these stay the same.
  const filterKey = () =>
    JSON.stringify([sku.debounced(), name.debounced(), description.debounced(), active()]);
  const orderKey = () => JSON.stringify([filterKey(), sort(), pageSize()]);
  // Next/Prev read the neighbouring page from where this one ends (keyset), not by skipping rows.
  const [cursor, setCursor] = createSignal<{
    order: string;
    page: number;
    after?: string;
    before?: string;
  }>();
  const [exactFor, setExactFor] = createSignal<string>();

  const input = createMemo<ListInput>(() => {
    const seek = cursor();
    const useSeek = seek && seek.order === orderKey() && seek.page === page();
    return {
      page: page(),
      pageSize: pageSize(),
      sku: sku.debounced() || undefined,
      name: name.debounced() || undefined,
      description: description.debounced() || undefined,
      active: active() === 'all' ? undefined : active() === 'active',
      sort: sort(),
      ...(exactFor() === filterKey() ? { exactTotal: true } : {}),
      ...(useSeek && seek.after ? { after: seek.after } : {}),
      ...(useSeek && seek.before ? { before: seek.before } : {}),
    };
  });
  // A new filter or sort starts again at page 1.
  createEffect(
    on(
      [sku.debounced, name.debounced, description.debounced, active, pageSize, sorting],
      () => setPage(1),
      {
        defer: true,
      },
    ),
  );

  const list = useQuery(() => ({
    ...trpcQuery(['products', 'list'], client.products.list, input()),
    placeholderData: keepPreviousData,
  }));
  const pageCount = () => Math.max(1, Math.ceil((list.data?.total ?? 0) / pageSize()));
  const goToPage = (target: number) => {
    // Only the cursors of the page on screen: not a previous page's, still shown while loading.
    const shown = list.isPlaceholderData || list.data?.page !== page() ? undefined : list.data;
    const order = orderKey();
    if (shown && target === page() + 1 && shown.nextCursor) {
      setCursor({ order, page: target, after: shown.nextCursor });
    } else if (shown && target === page() - 1 && shown.prevCursor) {
      setCursor({ order, page: target, before: shown.prevCursor });
    }
    setPage(target);
  };
  // After deletes the current page may no longer exist.
  createEffect(() => {
    if (list.data && page() > pageCount()) setPage(pageCount());
  });

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

  const textColumn = (
    field: 'sku' | 'name' | 'description',
    header: string,
    validate: (value: string) => string | null,
  ): ColumnDef<Product> => ({
    accessorKey: field,
    header,
    enableSorting: sortable.has(field),
    cell: (ctx) => (
      <EditableCell
        label={`${header} of ${ctx.row.original.sku}`}
        value={ctx.row.original[field]}
        multiline={field === 'description'}
        validate={validate}
        onSave={(value) => updateProduct({ id: ctx.row.original.id, [field]: value })}
        edit={edits[`${ctx.row.original.id}:${field}`] ?? null}
        onEdit={(edit) => setEdits(`${ctx.row.original.id}:${field}`, edit ?? undefined)}
      />
    ),
  });

  const columns: ColumnDef<Product>[] = [
    textColumn('sku', 'SKU', messageOf(ZSku)),
    textColumn('name', 'Name', messageOf(ZProductName)),
    textColumn('description', 'Description', messageOf(ZProductDescription)),
    {
      accessorKey: 'active',
      header: 'Active',
      cell: (ctx) => (
        <Toggle
          label={`Active: ${ctx.row.original.sku}`}
          hideLabel
          checked={ctx.row.original.active}
          onChange={(checked) =>
            void updateProduct({ id: ctx.row.original.id, active: checked }).catch((error: Error) =>
              toast.error(`Could not change ${ctx.row.original.sku}: ${error.message}`),
            )
          }
        />
      ),
    },
    {
      accessorKey: 'updatedAt',
      header: 'Updated',
      cell: (ctx) => (
        <time class="muted" dateTime={ctx.row.original.updatedAt.toISOString()}>
          {ctx.row.original.updatedAt.toLocaleString()}
        </time>
      ),
    },
    {
      id: 'actions',
      header: () => <span class="visually-hidden">Actions</span>,
      enableSorting: false,
      cell: (ctx) => (
        <button
          type="button"
          class="small ghost"
          aria-label={`Delete ${ctx.row.original.sku}`}
          onClick={() => setToDelete(ctx.row.original)}
        >
          Delete
        </button>
      ),
    },
  ];

  const table = createSolidTable({
    get data() {
      return list.data?.items ?? [];
    },
    columns,
    getRowId: (row) => String(row.id),
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    enableSortingRemoval: false,
    state: {
      get sorting() {
        return sorting();
      },
    },
    onSortingChange: (updater) =>
      setSorting((prev) => (typeof updater === 'function' ? updater(prev) : updater)),
  });

  const ariaSort = (id: string) => {
    const [first] = sorting();
    if (first?.id !== id) return 'none';
    return first.desc ? 'descending' : 'ascending';
  };

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

      <section class="card" aria-label="Filters">
        <div class="form-grid">
          <div class="field">
            <label for="filter-sku">SKU</label>
            <input
              id="filter-sku"
              type="search"
              value={sku.text()}
              onInput={(e) => sku.update(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="filter-name">Name</label>
            <input
              id="filter-name"
              type="search"
              value={name.text()}
              onInput={(e) => name.update(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="filter-description">Description</label>
            <input
              id="filter-description"
              type="search"
              value={description.text()}
              onInput={(e) => description.update(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="filter-status">Status</label>
            <select
              id="filter-status"
              value={active()}
              onChange={(e) => setActive(e.currentTarget.value as ActiveFilter)}
            >
              <option value="all">All</option>
              <option value="active">Active</option>
              <option value="inactive">Inactive</option>
            </select>
          </div>
        </div>
      </section>

      <Switch>
        <Match when={list.isPending}>
          <Loading label="Loading products…" />
        </Match>
        <Match when={list.isError && !list.data}>
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        </Match>
        <Match when={list.data?.total === 0}>
          <Empty>
            <Show
              when={
                sku.debounced() || name.debounced() || description.debounced() || active() !== 'all'
              }
              fallback={
                <>
                  No products yet. <A href="/imports">Import a CSV</A> or create one.
                </>
              }
            >
              No products match these filters.
            </Show>
          </Empty>
        </Match>
        <Match when={list.data}>
          <Show when={list.isError}>
            <p class="alert" role="alert">
              Could not refresh: {errorMessage(list.error)}
            </p>
          </Show>
          <div class="table-wrap" aria-busy={list.isFetching}>
            <table>
              <thead>
                <For each={table.getHeaderGroups()}>
                  {(group) => (
                    <tr>
                      <For each={group.headers}>
                        {(header) => (
                          <th
                            aria-sort={
                              header.column.getCanSort() ? ariaSort(header.column.id) : undefined
                            }
                            classList={{ 'hide-narrow': NARROW_HIDDEN.has(header.column.id) }}
                          >
                            <Show
                              when={header.column.getCanSort()}
                              fallback={flexRender(
                                header.column.columnDef.header,
                                header.getContext(),
                              )}
                            >
                              <button
                                type="button"
                                class="sort"
                                onClick={header.column.getToggleSortingHandler()}
                              >
                                {flexRender(header.column.columnDef.header, header.getContext())}
                                {{ asc: ' ▲', desc: ' ▼' }[header.column.getIsSorted() as string] ??
                                  ''}
                              </button>
                            </Show>
                          </th>
                        )}
                      </For>
                    </tr>
                  )}
                </For>
              </thead>
              <tbody>
                <For each={table.getRowModel().rows}>
                  {(row) => (
                    <tr>
                      <For each={row.getVisibleCells()}>
                        {(cell) => (
                          <td classList={{ 'hide-narrow': NARROW_HIDDEN.has(cell.column.id) }}>
                            {flexRender(cell.column.columnDef.cell, cell.getContext())}
                          </td>
                        )}
                      </For>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <div class="row" style={{ 'justify-content': 'space-between' }}>
            <ProductsTotal
              total={list.data!.total}
              estimate={list.data!.totalIsEstimate}
              page={page()}
              pageCount={pageCount()}
              counting={list.isFetching && exactFor() === filterKey()}
              onCountExactly={() => setExactFor(filterKey())}
            />
            <Pagination page={page()} pageCount={pageCount()} onPage={goToPage} />
            <div class="row">
              <label class="muted" for="page-size">
                Per page
              </label>
              <select
                id="page-size"
                value={pageSize()}
                onChange={(e) => setPageSize(Number(e.currentTarget.value))}
              >
                <For each={PAGE_SIZES}>{(size) => <option value={size}>{size}</option>}</For>
              </select>
            </div>
          </div>
        </Match>
      </Switch>

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
