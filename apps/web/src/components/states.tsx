import type { JSX } from 'solid-js';
import { errorMessage } from '../api/query.ts';

export function Loading(props: { label?: string }) {
  return (
    <div class="state" role="status">
      <span class="spinner" aria-hidden="true" /> {props.label ?? 'Loading…'}
    </div>
  );
}

export function ErrorState(props: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="state error" role="alert">
      <p>{errorMessage(props.error)}</p>
      {props.onRetry && (
        <button type="button" onClick={() => props.onRetry?.()}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty(props: { children: JSX.Element }) {
  return <div class="state">{props.children}</div>;
}
