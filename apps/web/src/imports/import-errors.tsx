import { keepPreviousData, useQuery } from '@tanstack/solid-query';
import { createSignal } from 'solid-js';
import { useApi } from '../api/context.tsx';
import { PagedTable } from '../components/paged-table.tsx';
import { Truncated } from '../components/truncated.tsx';
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
      <PagedTable
        query={errors}
        page={page()}
        pageSize={PAGE_SIZE}
        onPage={setPage}
        loadingLabel="Loading invalid rows…"
        head={
          <>
            <th>Line</th>
            <th>SKU</th>
            <th>Problem</th>
          </>
        }
        row={(error) => (
          <tr>
            <td class="mono">{error.line}</td>
            <td class="mono">
              {error.sku === null ? <span class="muted">—</span> : <Truncated text={error.sku} />}
            </td>
            <td>
              <Truncated text={error.message} class="wide" />
            </td>
          </tr>
        )}
      />
    </section>
  );
}
