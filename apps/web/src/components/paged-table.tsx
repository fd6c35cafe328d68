import type { UseQueryResult } from '@tanstack/solid-query';
import { createMemo, For, Match, Show, Switch, type Accessor, type JSX } from 'solid-js';
import { errorMessage } from '../api/query.ts';
import { moveCellFocus } from './cell-navigation.ts';
import { Pagination } from './pagination.tsx';
import { Empty, ErrorState, Loading } from './states.tsx';

interface Page<T> {
  items: T[];
  total: number;
}

/**
 * How rows are drawn: `row` draws each item anew whenever the page changes; `rowKey` + `liveRow`
 * keeps one row per key and hands it the item as an accessor, so a row whose data changed (an
 * edit, a refetch) keeps its elements, and the focus inside it.
 */
type Rows<T> =
  | { row: (item: T) => JSX.Element; rowKey?: undefined; liveRow?: undefined }
  | {
      rowKey: (item: T) => string | number;
      liveRow: (item: Accessor<T>) => JSX.Element;
      row?: undefined;
    };

/**
 * A server-paged list as a table: loading, error (with retry), empty, then the rows and the
 * page numbers. While another page or filter loads, the old rows stay, dimmed under a progress
 * bar; a failed refresh is said above them. Arrow keys move between the cells' controls. The
 * caller owns the query and the page; this only renders them.
 */
export function PagedTable<T>(
  props: {
    query: UseQueryResult<Page<T>>;
    page: number;
    pageSize: number;
    onPage: (page: number) => void;
    loadingLabel: string;
    /** Shown when there is nothing at all; without it, an empty table. */
    empty?: JSX.Element;
    head: JSX.Element;
    /** The rows to show, when the caller orders them itself (default: the page's items). */
    items?: T[];
    /** Classes of the table element, e.g. `stacked` (rows become blocks on a phone). */
    tableClass?: string;
    /** The table's accessible name. */
    label?: string;
    /** Shown beside the page numbers (a total, a page-size choice). */
    footer?: JSX.Element;
    /** Page numbers even for a single page (when the footer reads better with them). */
    alwaysPaginate?: boolean;
  } & Rows<T>,
) {
  const pageCount = () => Math.max(1, Math.ceil((props.query.data?.total ?? 0) / props.pageSize));
  const items = () => props.items ?? props.query.data?.items ?? [];
  // Keyed rows: one row per key; each looks its item up, so new data updates it in place.
  const byKey = createMemo(() => {
    const key = props.rowKey;
    return new Map<string | number, T>(key ? items().map((item) => [key(item), item]) : []);
  });
  const keys = () => {
    const key = props.rowKey;
    return key ? items().map(key) : [];
  };
  const liveRow = (key: string | number) => {
    // A row leaving the page is still drawn once more while <For> takes it away.
    let last = byKey().get(key) as T;
    const item = () => (last = byKey().get(key) ?? last);
    return props.liveRow!(item);
  };
  const loadingOther = () => props.query.isPlaceholderData && props.query.isFetching;

  return (
    <Switch>
      <Match when={props.query.isPending}>
        <Loading label={props.loadingLabel} />
      </Match>
      <Match when={props.query.isError && !props.query.data}>
        <ErrorState error={props.query.error} onRetry={() => void props.query.refetch()} />
      </Match>
      <Match when={props.empty !== undefined && props.query.data?.total === 0}>
        <Empty>{props.empty}</Empty>
      </Match>
      <Match when={props.query.data}>
        <Show when={props.query.isError}>
          <p class="alert" role="alert">
            Could not refresh: {errorMessage(props.query.error)}
          </p>
        </Show>
        <div class="table-wrap" classList={{ loading: loadingOther() }}>
          <Show when={loadingOther()}>
            <div class="progress-line" role="progressbar" aria-label="Loading" />
          </Show>
          <table
            class={props.tableClass}
            aria-label={props.label}
            aria-busy={loadingOther()}
            onKeyDown={moveCellFocus}
          >
            <thead>
              <tr>{props.head}</tr>
            </thead>
            <tbody>
              <Show
                when={props.rowKey}
                fallback={<For each={items()}>{(item) => props.row!(item)}</For>}
              >
                <For each={keys()}>{(key) => liveRow(key)}</For>
              </Show>
            </tbody>
          </table>
        </div>
        <Show when={props.alwaysPaginate || pageCount() > 1 || props.footer}>
          <div class="table-footer">
            {props.footer}
            <Show when={props.alwaysPaginate || pageCount() > 1}>
              <Pagination page={props.page} pageCount={pageCount()} onPage={props.onPage} />
            </Show>
          </div>
        </Show>
      </Match>
    </Switch>
  );
}
