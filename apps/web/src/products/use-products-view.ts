import { useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import type { TProductSort } from '@acme/shared';
import type { ProductList, ProductListInput } from '../api/routers.ts';
import { readView, viewParams, type ActiveFilter } from './products-view.ts';

const FILTER_DEBOUNCE_MS = 300;

/** A text filter: what is typed shows at once, the query follows once typing pauses. */
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

export type DebouncedFilter = ReturnType<typeof useDebouncedFilter>;

/**
 * What the products page shows, and the `products.list` input for it: filters (debounced), status,
 * sort, page and page size start from the URL and are written back to it (replacing, not pushing
 * history). A new filter, sort or page size starts again at page 1. Next/Prev read the
 * neighbouring page from where the shown one ends (keyset cursors), not by skipping rows.
 */
export function useProductsView() {
  const [params, setParams] = useSearchParams();
  const initial = readView(params);
  const sku = useDebouncedFilter(initial.sku);
  const name = useDebouncedFilter(initial.name);
  const description = useDebouncedFilter(initial.description);
  const [active, setActive] = createSignal<ActiveFilter>(initial.active);
  const [page, setPage] = createSignal(initial.page);
  const [pageSize, setPageSize] = createSignal(initial.pageSize);
  const [sort, setSort] = createSignal<TProductSort>(initial.sort);

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

  /** The filter as `products.list` (and the bulk actions) take it. */
  const filter = createMemo(() => ({
    sku: sku.debounced() || undefined,
    name: name.debounced() || undefined,
    description: description.debounced() || undefined,
    active: active() === 'all' ? undefined : active() === 'active',
  }));
  const filtered = () =>
    Boolean(sku.debounced() || name.debounced() || description.debounced() || active() !== 'all');
  // What decides the matches, and what decides the pages: a cursor or an exact count asked for
  // applies only while these stay the same.
  const filterKey = createMemo(() => JSON.stringify(filter()));
  const orderKey = createMemo(() => JSON.stringify([filterKey(), sort(), pageSize()]));
  /** Changes whenever the rows on screen are meant to change: another page, filter or order. */
  const viewKey = createMemo(() => JSON.stringify([orderKey(), page()]));

  const [cursor, setCursor] = createSignal<{
    order: string;
    page: number;
    after?: string;
    before?: string;
  }>();
  const [exactFor, setExactFor] = createSignal<string>();

  createEffect(on([filterKey, pageSize, sort], () => setPage(1), { defer: true }));

  const input = createMemo<ProductListInput>(() => {
    const seek = cursor();
    const useSeek = seek && seek.order === orderKey() && seek.page === page();
    return {
      page: page(),
      pageSize: pageSize(),
      ...filter(),
      sort: sort(),
      ...(exactFor() === filterKey() ? { exactTotal: true } : {}),
      ...(useSeek && seek.after ? { after: seek.after } : {}),
      ...(useSeek && seek.before ? { before: seek.before } : {}),
    };
  });

  /** Goes to a page; `shown` is the page on screen (its cursors reach its neighbours). */
  const goToPage = (target: number, shown: ProductList | undefined) => {
    const order = orderKey();
    if (shown?.page === page()) {
      if (target === page() + 1 && shown.nextCursor) {
        setCursor({ order, page: target, after: shown.nextCursor });
      } else if (target === page() - 1 && shown.prevCursor) {
        setCursor({ order, page: target, before: shown.prevCursor });
      }
    }
    setPage(target);
  };

  return {
    sku,
    name,
    description,
    active,
    setActive,
    sort,
    setSort,
    page,
    setPage,
    pageSize,
    setPageSize,
    filter,
    filtered,
    viewKey,
    input,
    goToPage,
    /** Whether an exact count was asked for the current filter. */
    countingExactly: () => exactFor() === filterKey(),
    countExactly: () => setExactFor(filterKey()),
  };
}

export type ProductsViewState = ReturnType<typeof useProductsView>;
