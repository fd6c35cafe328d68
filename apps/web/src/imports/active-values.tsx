import { useQuery } from '@tanstack/solid-query';
import { For, Match, Show, Switch } from 'solid-js';
import type { TImport } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { ErrorState, Loading } from '../components/states.tsx';
import { Truncated } from '../components/truncated.tsx';
import { importActiveValuesQuery } from './import-queries.ts';
import { notUnderstoodText } from './review.ts';

/**
 * The values the file's active column holds, with how many rows hold each and how the import
 * reads them: one select per value maps it to active or inactive by hand (`mapping.activeValues`;
 * the file is read again, as for a column). Values no import understands by itself ("Online",
 * "lieferbar") are flagged: their rows are invalid until they are mapped.
 */
export function ActiveValues(props: {
  state: TImport;
  /** True while a new mapping is being applied: the selects wait for it. */
  disabled: boolean;
  onMap: (value: string, active: boolean) => void;
}) {
  const { client } = useApi();
  const values = useQuery(() =>
    importActiveValuesQuery(client, props.state.id, props.state.version),
  );
  const titleId = () => `active-values-title-${props.state.id}`;
  const unknown = () => values.data?.items.filter((item) => item.active === null) ?? [];

  return (
    <Show when={props.state.mapping?.active}>
      {(column) => (
        <section aria-labelledby={titleId()} class="review-section">
          <h3 id={titleId()}>
            Values of <span class="mono">{column()}</span>
          </h3>
          <p class="muted">
            How each value of the active column is read. Changing one reads the file again.
          </p>
          <Switch>
            <Match when={values.isPending}>
              <Loading label="Loading the values…" />
            </Match>
            <Match when={values.isError}>
              <ErrorState error={values.error} onRetry={() => void values.refetch()} />
            </Match>
            <Match when={values.data?.items.length === 0}>
              <p class="muted">
                The column is empty: products keep their state, new ones are active.
              </p>
            </Match>
            <Match when={values.data}>
              {(data) => (
                <>
                  <Show when={unknown().length > 0}>
                    <p class="alert warn" role="status" data-testid="active-values-unknown">
                      {notUnderstoodText(unknown())}
                    </p>
                  </Show>
                  <div class="table-wrap active-values-wrap">
                    <table aria-label={`Values of ${column()}`} class="active-values">
                      <thead>
                        <tr>
                          <th>Value</th>
                          <th class="num">Rows</th>
                          <th>Read as</th>
                        </tr>
                      </thead>
                      <tbody>
                        <For each={data().items}>
                          {(item) => (
                            <tr classList={{ unknown: item.active === null }}>
                              <td class="mono">
                                <Truncated text={item.value} />
                              </td>
                              <td class="num">{item.rows.toLocaleString()}</td>
                              <td>
                                <div class="row">
                                  <select
                                    aria-label={`Read "${item.value}" as`}
                                    value={item.active === null ? '' : String(item.active)}
                                    disabled={props.disabled}
                                    aria-invalid={item.active === null}
                                    onChange={(event) => {
                                      const chosen = event.currentTarget.value;
                                      if (chosen !== '') props.onMap(item.value, chosen === 'true');
                                    }}
                                  >
                                    <Show when={item.active === null}>
                                      <option value="" disabled selected>
                                        Choose…
                                      </option>
                                    </Show>
                                    <option value="true" selected={item.active === true}>
                                      active
                                    </option>
                                    <option value="false" selected={item.active === false}>
                                      inactive
                                    </option>
                                  </select>
                                  <Show when={item.active === null}>
                                    <span class="badge warn">not understood</span>
                                  </Show>
                                </div>
                              </td>
                            </tr>
                          )}
                        </For>
                      </tbody>
                    </table>
                  </div>
                  <Show when={data().more}>
                    <p class="muted">
                      The column holds more than {data().items.length} different values; the most
                      frequent are listed. Is it the column that says whether a product is active?
                    </p>
                  </Show>
                </>
              )}
            </Match>
          </Switch>
        </section>
      )}
    </Show>
  );
}
