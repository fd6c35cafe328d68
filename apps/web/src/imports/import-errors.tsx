import { keepPreviousData, useQuery } from '@tanstack/solid-query';
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { useApi } from '../api/context.tsx';
import { Pagination } from '../components/pagination.tsx';
import { ErrorState, Loading } from '../components/states.tsx';
import { importErrorsQuery } from './import-queries.ts';

const PAGE_SIZE = 20;

/** The rows an import skipped, with their line numbers, and the full report as a CSV download. */
export function ImportErrors(props: { id: string; invalid: number }) {
  const { client, baseUrl } = useApi();
  const [page, setPage] = createSignal(1);
  const errors = useQuery(() => ({
    ...importErrorsQuery(client, { id: props.id, page: page(), pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  }));
  const pageCount = () => Math.max(1, Math.ceil((errors.data?.total ?? 0) / PAGE_SIZE));

  return (
    <section aria-labelledby="invalid-title" style={{ display: 'grid', gap: '8px' }}>
      <div class="row" style={{ 'justify-content': 'space-between' }}>
        <h2 id="invalid-title" style={{ margin: 0 }}>
          Invalid rows ({props.invalid.toLocaleString()})
        </h2>
        <a class="button" href={`${baseUrl}/api/imports/${props.id}/errors.csv`} download="">
          Download error report (CSV)
        </a>
      </div>
      <Switch>
        <Match when={errors.isPending}>
          <Loading label="Loading invalid rows…" />
        </Match>
        <Match when={errors.isError && !errors.data}>
          <ErrorState error={errors.error} onRetry={() => void errors.refetch()} />
        </Match>
        <Match when={errors.data}>
          {(data) => (
            <>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Line</th>
                      <th>SKU</th>
                      <th>Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={data().items}>
                      {(error) => (
                        <tr>
                          <td class="mono">{error.line}</td>
                          <td class="mono">{error.sku ?? <span class="muted">—</span>}</td>
                          <td>{error.message}</td>
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
