import { keepPreviousData, useQuery } from '@tanstack/solid-query';
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { useApi } from '../api/context.tsx';
import { Pagination } from '../components/pagination.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { importDuration, isFinal, statusTone } from './format.ts';
import { importListQuery } from './import-queries.ts';

const PAGE_SIZE = 10;

/** Every import, newest first, with its outcome; choosing one shows it in detail above. */
export function ImportHistory(props: {
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}) {
  const { client } = useApi();
  const [page, setPage] = createSignal(1);
  const list = useQuery(() => ({
    ...importListQuery(client, { page: page(), pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  }));
  const pageCount = () => Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE_SIZE));

  return (
    <section class="card" aria-labelledby="history-title" style={{ display: 'grid', gap: '8px' }}>
      <h2 id="history-title" style={{ margin: 0 }}>
        History
      </h2>
      <Switch>
        <Match when={list.isPending}>
          <Loading label="Loading imports…" />
        </Match>
        <Match when={list.isError && !list.data}>
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        </Match>
        <Match when={list.data?.total === 0}>
          <Empty>No imports yet.</Empty>
        </Match>
        <Match when={list.data}>
          {(data) => (
            <>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>File</th>
                      <th>Status</th>
                      <th>Created</th>
                      <th>Updated</th>
                      <th class="hide-narrow">Unchanged</th>
                      <th>Invalid</th>
                      <th class="hide-narrow">Started</th>
                      <th class="hide-narrow">Duration</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={data().items}>
                      {(item) => (
                        <tr aria-selected={item.id === props.selectedId}>
                          <td>
                            <button
                              type="button"
                              class="cell-edit"
                              aria-label={`Show import ${item.filename}`}
                              onClick={() => props.onSelect(item.id)}
                            >
                              <Show when={item.id === props.selectedId} fallback={item.filename}>
                                <strong>{item.filename}</strong>
                              </Show>
                            </button>
                          </td>
                          <td>
                            <span class={`badge ${statusTone(item.status)}`}>
                              {isFinal(item.status)
                                ? item.status
                                : `${item.status} ${Math.round(item.percent)}%`}
                            </span>
                          </td>
                          <td>{item.created.toLocaleString()}</td>
                          <td>{item.updated.toLocaleString()}</td>
                          <td class="hide-narrow">{item.unchanged.toLocaleString()}</td>
                          <td>{item.invalid.toLocaleString()}</td>
                          <td class="hide-narrow muted">{item.createdAt.toLocaleString()}</td>
                          <td class="hide-narrow">{importDuration(item) ?? '—'}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={pageCount() > 1}>
                <Pagination page={page()} pageCount={pageCount()} onPage={setPage} />
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}
