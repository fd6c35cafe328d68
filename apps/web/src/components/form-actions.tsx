import { Show } from 'solid-js';

/**
 * A form's last lines: the error about the form as a whole (not one field), then Cancel and the
 * submit button, which is disabled and says `busyLabel` while the form is being sent.
 */
export function FormActions(props: {
  error?: string | undefined;
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  onCancel: () => void;
  /** Cancel is disabled too while busy, where the form cannot be left mid-send. */
  holdWhileBusy?: boolean;
}) {
  return (
    <>
      <Show when={props.error}>
        <p class="alert" role="alert">
          {props.error}
        </p>
      </Show>
      <div class="dialog-actions">
        <button
          type="button"
          disabled={props.holdWhileBusy && props.busy}
          onClick={() => props.onCancel()}
        >
          Cancel
        </button>
        <button type="submit" class="primary" disabled={props.busy}>
          {props.busy ? props.busyLabel : props.submitLabel}
        </button>
      </div>
    </>
  );
}
