import { For } from 'solid-js';

/** Page numbers around the current one, with the first and last always reachable. */
export function pageWindow(page: number, pageCount: number): (number | 'gap')[] {
  const pages = new Set([1, pageCount, page - 1, page, page + 1]);
  const sorted = [...pages].filter((p) => p >= 1 && p <= pageCount).sort((a, b) => a - b);
  const out: (number | 'gap')[] = [];
  for (const p of sorted) {
    const last = out.at(-1);
    if (typeof last === 'number' && p - last > 1) out.push('gap');
    out.push(p);
  }
  return out;
}

export function Pagination(props: {
  page: number;
  pageCount: number;
  onPage: (page: number) => void;
}) {
  return (
    <nav class="pagination" aria-label="Pages">
      <button
        type="button"
        class="small"
        disabled={props.page <= 1}
        onClick={() => props.onPage(props.page - 1)}
      >
        ‹ Prev
      </button>
      <For each={pageWindow(props.page, props.pageCount)}>
        {(p) =>
          p === 'gap' ? (
            <span class="muted" aria-hidden="true">
              …
            </span>
          ) : (
            <button
              type="button"
              class="small"
              aria-current={p === props.page ? 'page' : undefined}
              aria-label={`Page ${p}`}
              onClick={() => props.onPage(p)}
            >
              {p}
            </button>
          )
        }
      </For>
      <button
        type="button"
        class="small"
        disabled={props.page >= props.pageCount}
        onClick={() => props.onPage(props.page + 1)}
      >
        Next ›
      </button>
    </nav>
  );
}
