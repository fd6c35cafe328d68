import { createSignal, createUniqueId, For, Show } from 'solid-js';

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
      <Show when={props.pageCount > JUMP_FROM}>
        <JumpToPage page={props.page} pageCount={props.pageCount} onPage={props.onPage} />
      </Show>
    </nav>
  );
}

/** Above this many pages the numbers leave gaps, so a page can also be typed in. */
const JUMP_FROM = 5;

/** "Go to page [ ] Go": any page by its number; a number outside the range is said, not sent. */
function JumpToPage(props: { page: number; pageCount: number; onPage: (page: number) => void }) {
  const [error, setError] = createSignal<string | null>(null);
  const id = createUniqueId();
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('page') as HTMLInputElement;
    const page = Number(input.value);
    if (!Number.isInteger(page) || page < 1 || page > props.pageCount) {
      setError(`Enter a page from 1 to ${props.pageCount.toLocaleString()}`);
      return;
    }
    setError(null);
    input.value = '';
    if (page !== props.page) props.onPage(page);
  };
  return (
    <form class="jump" onSubmit={submit} noValidate>
      <label class="muted" for={`jump-${id}`}>
        Go to page
      </label>
      <input
        id={`jump-${id}`}
        name="page"
        type="number"
        inputMode="numeric"
        min="1"
        max={props.pageCount}
        placeholder={String(props.page)}
        aria-invalid={error() ? 'true' : undefined}
        aria-describedby={error() ? `jump-${id}-error` : undefined}
        onInput={() => setError(null)}
      />
      <button type="submit" class="small">
        Go
      </button>
      <Show when={error()}>
        <span id={`jump-${id}-error`} class="field-error" role="alert">
          {error()}
        </span>
      </Show>
    </form>
  );
}
