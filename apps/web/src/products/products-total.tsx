import { Show } from 'solid-js';

/**
 * "1,234 products · page 2 of 50", or for a large filter result, whose total the server estimated,
 * "about 38,500 products · page 2 of about 1,540" with a button to have every match counted.
 */
export function ProductsTotal(props: {
  total: number;
  estimate: boolean;
  page: number;
  pageCount: number;
  counting: boolean;
  onCountExactly: () => void;
}) {
  const about = () => (props.estimate ? 'about ' : '');
  return (
    <span class="row">
      <span class="muted" aria-live="polite">
        {`${about()}${props.total.toLocaleString()} ${props.total === 1 && !props.estimate ? 'product' : 'products'} · page ${props.page} of ${about()}${props.pageCount.toLocaleString()}`}
      </span>
      <Show when={props.estimate}>
        <button
          type="button"
          class="small ghost"
          disabled={props.counting}
          onClick={() => props.onCountExactly()}
        >
          {props.counting ? 'Counting…' : 'Count exactly'}
        </button>
      </Show>
    </span>
  );
}
