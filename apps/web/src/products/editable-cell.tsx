import { Show } from 'solid-js';
import { Dynamic } from 'solid-js/web';

/** An open editor's state. Kept by the table, not the cell: rows re-render when data changes. */
export interface CellEdit {
  draft: string;
  error: string | null;
}

export interface EditableCellProps {
  label: string;
  value: string;
  multiline?: boolean;
  /** Client-side check before saving: a message, or null when the value is fine. */
  validate: (value: string) => string | null;
  /** Resolves when saved; rejects with the message to show in place. */
  onSave: (value: string) => Promise<void>;
  /** null while not editing. */
  edit: CellEdit | null;
  onEdit: (edit: CellEdit | null) => void;
}

/**
 * Click (or Enter) to edit; Enter saves, Escape cancels. The table shows the new value at once
 * (optimistic); if the server refuses it, the editor reopens with the value and the reason.
 */
export function EditableCell(props: EditableCellProps) {
  let trigger: HTMLButtonElement | undefined;
  const editing = () => props.edit !== null;
  const draft = () => props.edit?.draft ?? '';
  const error = () => props.edit?.error ?? null;
  const setDraft = (value: string) => props.onEdit({ draft: value, error: error() });
  const setError = (message: string) => props.onEdit({ draft: draft(), error: message });

  const open = (value = props.value, message: string | null = null) =>
    props.onEdit({ draft: value, error: message });
  const close = () => {
    props.onEdit(null);
    queueMicrotask(() => trigger?.focus());
  };
  const save = () => {
    const value = draft();
    if (value === props.value) return close();
    const problem = props.validate(value);
    if (problem) return setError(problem);
    close();
    props.onSave(value).catch((reason: unknown) => {
      open(value, reason instanceof Error ? reason.message : String(reason));
    });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'Enter' && !(props.multiline && event.shiftKey)) {
      event.preventDefault();
      save();
    }
  };
  const errorId = `err-${Math.random().toString(36).slice(2)}`;

  return (
    <Show
      when={editing()}
      fallback={
        <button
          ref={(el) => (trigger = el)}
          type="button"
          class="cell-edit"
          classList={{ clamp: props.multiline }}
          aria-label={`Edit ${props.label}: ${props.value || 'empty'}`}
          title={props.value || undefined}
          onClick={() => open()}
        >
          {props.value || <span class="muted">—</span>}
        </button>
      }
    >
      <div class="field">
        <Dynamic
          component={props.multiline ? 'textarea' : 'input'}
          class="cell-input"
          rows={props.multiline ? 3 : undefined}
          aria-label={props.label}
          aria-invalid={error() ? 'true' : undefined}
          aria-describedby={error() ? errorId : undefined}
          value={draft()}
          onInput={(e: InputEvent & { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
            setDraft(e.currentTarget.value)
          }
          onKeyDown={onKeyDown}
          ref={(el: HTMLElement) => queueMicrotask(() => el.focus())}
        />
        <Show when={error()}>
          <span id={errorId} class="field-error" role="alert">
            {error()}
          </span>
        </Show>
        <span class="muted" style={{ 'font-size': '12px' }}>
          Enter to save · Esc to cancel
        </span>
      </div>
    </Show>
  );
}
