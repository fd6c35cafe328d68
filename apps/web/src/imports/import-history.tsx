import { keepPreviousData, useQuery } from '@tanstack/solid-query';
import { createSignal, Show } from 'solid-js';
import type { TImport } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { PagedTable } from '../components/paged-table.tsx';
import { importDuration, isFinal, phaseBadge, statusTone } from './format.ts';
import { importListQuery } from './import-queries.ts';
import { isRevertible, RevertImportDialog } from './revert-import-dialog.tsx';

const PAGE_SIZE = 10;

/** Every import, newest first, with its outcome; choosing one shows it in detail above. */
export function ImportHistory(props: {
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}) {
  const { client } = useApi();
  const [page, setPage] = createSignal(1);
  const [toRevert, setToRevert] = createSignal<TImport | null>(null);
  const list = useQuery(() => ({
    ...importListQuery(client, { page: page(), pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  }));

  return (
    <section class="card" aria-labelledby="history-title" style={{ display: 'grid', gap: '8px' }}>
      <h2 id="history-title" style={{ margin: 0 }}>
        History
      </h2>
      <PagedTable
        query={list}
        page={page()}
        pageSize={PAGE_SIZE}
        onPage={setPage}
        loadingLabel="Loading imports…"
        empty="No imports yet."
        tableClass="stacked"
        head={
          <>
            <th>File</th>
            <th>Status</th>
            <th>Created</th>
            <th>Updated</th>
            <th class="hide-narrow">Unchanged</th>
            <th>Invalid</th>
            <th class="hide-narrow">Started</th>
            <th class="hide-narrow">Duration</th>
            <th>
              <span class="visually-hidden">Actions</span>
            </th>
          </>
        }
        row={(item) => (
          <tr aria-selected={item.id === props.selectedId}>
            <td>
              <button
                type="button"
                class="cell-edit"
                aria-label={`Show import ${item.filename}`}
                title={item.filename}
                onClick={() => props.onSelect(item.id)}
              >
                <Show when={item.id === props.selectedId} fallback={item.filename}>
                  <strong>{item.filename}</strong>
                </Show>
              </button>
            </td>
            <td>
              <span class={`badge ${statusTone(item.status)}`}>
                {isFinal(item.status) || item.status === 'review'
                  ? item.status
                  : `${phaseBadge(item)} ${Math.round(item.percent)}%`}
              </span>
            </td>
            <td data-label="Created">{item.created.toLocaleString()}</td>
            <td data-label="Updated">{item.updated.toLocaleString()}</td>
            <td class="hide-narrow">{item.unchanged.toLocaleString()}</td>
            <td data-label="Invalid">{item.invalid.toLocaleString()}</td>
            <td class="hide-narrow muted">{item.createdAt.toLocaleString()}</td>
            <td class="hide-narrow">{importDuration(item) ?? '—'}</td>
            <td>
              <Show when={item.status === 'review'}>
                <button
                  type="button"
                  class="button"
                  aria-label={`Review import ${item.filename}`}
                  onClick={() => props.onSelect(item.id)}
                >
                  Review
                </button>
              </Show>
              <Show
                when={isRevertible(item)}
                fallback={
                  <Show when={item.revertedAt}>
                    <span class="badge">reverted</span>
                  </Show>
                }
              >
                <button
                  type="button"
                  class="button"
                  aria-label={`Revert import ${item.filename}`}
                  onClick={() => setToRevert(item)}
                >
                  Revert
                </button>
              </Show>
            </td>
          </tr>
        )}
      />
      <RevertImportDialog item={toRevert()} onClose={() => setToRevert(null)} />
    </section>
  );
}
