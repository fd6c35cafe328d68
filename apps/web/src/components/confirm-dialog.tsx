import * as AlertDialog from '@kobalte/core/alert-dialog';
import { Show, type JSX } from 'solid-js';

export interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children: JSX.Element;
  confirmLabel: string;
  /** Shown on the confirm button while the action runs; the dialog stays open until it settles. */
  busyLabel: string;
  busy: boolean;
  onConfirm: () => void;
  /** The confirm button's look: `danger` (the default) for destructive actions. */
  tone?: 'danger' | 'primary';
  /** The safe button's label (default "Cancel"), e.g. when the action itself is a cancel. */
  dismissLabel?: string;
}

/** A confirmation (usually destructive): focus is trapped inside and starts on Cancel, the safe choice. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  let cancel: HTMLButtonElement | undefined;
  return (
    <AlertDialog.Root
      open={props.open}
      onOpenChange={(open) => !props.busy && props.onOpenChange(open)}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay class="dialog-overlay" />
        <div class="dialog-positioner">
          <AlertDialog.Content
            class="dialog"
            onOpenAutoFocus={(event) => {
              event.preventDefault();
              cancel?.focus();
            }}
          >
            <AlertDialog.Title class="dialog-title">{props.title}</AlertDialog.Title>
            <AlertDialog.Description as="div">{props.children}</AlertDialog.Description>
            <div class="dialog-actions">
              <button
                ref={(el) => (cancel = el)}
                type="button"
                disabled={props.busy}
                onClick={() => props.onOpenChange(false)}
              >
                {props.dismissLabel ?? 'Cancel'}
              </button>
              <button
                type="button"
                class={props.tone ?? 'danger'}
                disabled={props.busy}
                aria-busy={props.busy}
                onClick={() => props.onConfirm()}
              >
                <Show when={props.busy} fallback={props.confirmLabel}>
                  <span class="spinner" aria-hidden="true" /> {props.busyLabel}
                </Show>
              </button>
            </div>
          </AlertDialog.Content>
        </div>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
