import { useQuery } from '@tanstack/solid-query';
import { For, Match, Switch } from 'solid-js';
import { useApi } from '../api/context.tsx';
import { ErrorState, Loading } from '../components/states.tsx';
import { Truncated } from '../components/truncated.tsx';
import { importSampleQuery } from './import-queries.ts';
import { activeText } from './review.ts';

/** The file's first valid rows as the import will store them, read through the mapping. */
export function ReviewSample(props: { id: string; version: number }) {
  const { client } = useApi();
  const sample = useQuery(() => importSampleQuery(client, props.id, props.version));

  return (
    <section aria-labelledby={`sample-title-${props.id}`} class="review-section">
      <h3 id={`sample-title-${props.id}`}>First rows as they will be stored</h3>
      <Switch>
        <Match when={sample.isPending}>
          <Loading label="Loading the first rows…" />
        </Match>
        <Match when={sample.isError}>
          <ErrorState error={sample.error} onRetry={() => void sample.refetch()} />
        </Match>
        <Match when={sample.data?.items.length === 0}>
          <p class="muted">No valid rows: every row of the file is invalid or blank.</p>
        </Match>
        <Match when={sample.data}>
          {(data) => (
            <div class="table-wrap">
              <table aria-label="First rows as they will be stored">
                <thead>
                  <tr>
                    <th class="hide-narrow">Line</th>
                    <th>SKU</th>
                    <th>Name</th>
                    <th class="hide-narrow">Description</th>
                    <th>Active</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={data().items}>
                    {(row) => (
                      <tr>
                        <td class="mono hide-narrow">{row.line}</td>
                        <td class="mono">
                          <Truncated text={row.sku} />
                        </td>
                        <td>
                          <Truncated text={row.name} />
                        </td>
                        <td class="hide-narrow">
                          <Truncated text={row.description} />
                        </td>
                        <td>{activeText(row.active)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Match>
      </Switch>
    </section>
  );
}
