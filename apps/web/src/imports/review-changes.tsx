import { keepPreviousData, useQuery } from '@tanstack/solid-query';
import { createSignal, For, Match, Show, Switch, type JSX } from 'solid-js';
import type { TImportChangeKind, TImportPreview } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import type { ImportChange } from '../api/routers.ts';
import { PagedTable } from '../components/paged-table.tsx';
import { Truncated } from '../components/truncated.tsx';
import { importChangesQuery } from './import-queries.ts';
import { activeText, changedFields, FIELD_LABELS } from './review.ts';

const PAGE_SIZE = 20;

const KINDS: { kind: TImportChangeKind; one: string; many: string }[] = [
  { kind: 'created', one: 'new product', many: 'new products' },
  { kind: 'updated', one: 'updated product', many: 'updated products' },
  { kind: 'unchanged', one: 'unchanged product', many: 'unchanged products' },
  { kind: 'invalid', one: 'invalid row (skipped)', many: 'invalid rows (skipped)' },
];

/** What the import will do, row by row: one expandable, paged list per kind of change. */
export function ReviewChanges(props: { id: string; version: number; preview: TImportPreview }) {
  return (
    <section aria-labelledby={`changes-title-${props.id}`} class="review-section">
      <h3 id={`changes-title-${props.id}`}>Changes</h3>
      <div class="changes">
        <For each={KINDS}>
          {({ kind, one, many }) => {
            const count = () => props.preview[kind];
            const [open, setOpen] = createSignal(false);
            return (
              <Show when={count() > 0} fallback={<p class="muted changes-none">No {many}.</p>}>
                <details onToggle={(event) => setOpen(event.currentTarget.open)}>
                  <summary>
                    {count().toLocaleString()} {count() === 1 ? one : many}
                  </summary>
                  {/* Read only once opened: most reviews look at one kind, if any. */}
                  <Show when={open()}>
                    <ChangesTable id={props.id} version={props.version} kind={kind} label={many} />
                  </Show>
                </details>
              </Show>
            );
          }}
        </For>
      </div>
    </section>
  );
}

const HEADS: Record<TImportChangeKind, () => JSX.Element> = {
  created: () => (
    <>
      <th class="hide-narrow">Line</th>
      <th>SKU</th>
      <th>Name</th>
      <th class="hide-narrow">Description</th>
      <th>Active</th>
    </>
  ),
  updated: () => (
    <>
      <th class="hide-narrow">Line</th>
      <th>SKU</th>
      <th>Changes</th>
    </>
  ),
  unchanged: () => (
    <>
      <th class="hide-narrow">Line</th>
      <th>SKU</th>
      <th>Name</th>
    </>
  ),
  invalid: () => (
    <>
      <th>Line</th>
      <th>SKU</th>
      <th>Problem</th>
    </>
  ),
};

function ChangesTable(props: {
  id: string;
  version: number;
  kind: TImportChangeKind;
  label: string;
}) {
  const { client } = useApi();
  const [page, setPage] = createSignal(1);
  const changes = useQuery(() => ({
    ...importChangesQuery(
      client,
      { id: props.id, kind: props.kind, page: page(), pageSize: PAGE_SIZE },
      props.version,
    ),
    placeholderData: keepPreviousData,
  }));
  const sku = (change: ImportChange) =>
    change.sku === null ? <span class="muted">—</span> : <Truncated text={change.sku} />;

  return (
    <PagedTable
      query={changes}
      page={page()}
      pageSize={PAGE_SIZE}
      onPage={setPage}
      label={props.label}
      loadingLabel="Loading rows…"
      head={HEADS[props.kind]()}
      row={(change) => (
        <tr>
          <td class="mono" classList={{ 'hide-narrow': props.kind !== 'invalid' }}>
            {change.line}
          </td>
          <td class="mono">{sku(change)}</td>
          <Switch>
            <Match when={props.kind === 'invalid'}>
              <td>
                <Truncated text={change.error ?? ''} class="wide" />
              </td>
            </Match>
            <Match when={props.kind === 'updated'}>
              <td>
                <ul class="field-changes">
                  <For each={changedFields(change.before, change.after)}>
                    {(diff) => (
                      <li>
                        <span class="muted">{FIELD_LABELS[diff.field]}:</span>{' '}
                        <del>
                          <Truncated text={diff.before} />
                        </del>{' '}
                        <span aria-hidden="true">→</span>
                        <span class="visually-hidden">becomes</span>{' '}
                        <ins>
                          <Truncated text={diff.after} />
                        </ins>
                      </li>
                    )}
                  </For>
                </ul>
              </td>
            </Match>
            <Match when={props.kind === 'unchanged'}>
              <td>
                <Truncated text={change.after?.name ?? ''} />
              </td>
            </Match>
            <Match when={props.kind === 'created' && change.after}>
              {(after) => (
                <>
                  <td>
                    <Truncated text={after().name} />
                  </td>
                  <td class="hide-narrow">
                    <Truncated text={after().description} />
                  </td>
                  <td>{activeText(after().active)}</td>
                </>
              )}
            </Match>
          </Switch>
        </tr>
      )}
    />
  );
}
