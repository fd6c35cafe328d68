/** Longer than this, a value may be cut off in its cell, so it can take the focus to show in full. */
const FOCUSABLE_FROM = 32;

/**
 * A value in a table cell, cut with "…" when it does not fit; the whole value shows on hover (its
 * title) and while it has the focus (CSS: `td .truncate:focus-visible`).
 */
export function Truncated(props: { text: string; class?: string }) {
  return (
    <span
      class={`truncate ${props.class ?? ''}`}
      title={props.text}
      tabIndex={props.text.length > FOCUSABLE_FROM ? 0 : undefined}
    >
      {props.text}
    </span>
  );
}
