import type { UseQueryResult } from '@tanstack/solid-query';
import { For, Match, Show, Switch, type JSX } from 'solid-js';
import { Pagination } from './pagination.tsx';
import { Empty, ErrorState, Loading } from './states.tsx';

interface Page<T> {
  items: T[];
  total: number;
}

/**
 * A server-paged list as a table: loading, error (with retry), empty, then the rows and the
 * page numbers. The caller owns the query and the page; this only renders them.
 */
export function PagedTable<T>(props: {
  query: UseQueryResult<Page<T>>;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  loadingLabel: string;
  /** Shown when there is nothing at all; without it, an empty table. */
  empty?: JSX.Element;
  head: JSX.Element;
  row: (item: T) => JSX.Element;
  /** Classes of the table element, e.g. `stacked` (rows become blocks on a phone). */
  tableClass?: string;
}) {
  const pageCount = () => Math.max(1, Math.ceil((props.query.data?.total ?? 0) / props.pageSize));
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
        {(data) => (
          <>
            <div class="table-wrap">
              <table class={props.tableClass}>
                <thead>
                  <tr>{props.head}</tr>
                </thead>
                <tbody>
                  <For each={data().items}>{(item) => props.row(item)}</For>
                </tbody>
              </table>
            </div>
            <Show when={pageCount() > 1}>
              <Pagination page={props.page} pageCount={pageCount()} onPage={props.onPage} />
            </Show>
          </>
        )}
      </Match>
    </Switch>
  );
}
