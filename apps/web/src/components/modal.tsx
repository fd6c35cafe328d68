// Namespace import: Kobalte's `Dialog` object is shared with (and overwritten by) AlertDialog.
import * as Dialog from '@kobalte/core/dialog';
import { Show, type JSX } from 'solid-js';

/** The modal's description (its accessible description), for `Modal`'s children. */
export const ModalDescription = Dialog.Description;

/**
 * A modal dialog in the dashboard's frame (overlay, centred panel, title); focus is trapped inside
 * and returns where it was. With `triggerLabel`, it renders its own primary opening button.
 */
export function Modal(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: JSX.Element;
  triggerLabel?: string;
  /** A wider panel, for tables. */
  wide?: boolean;
  children: JSX.Element;
}) {
  return (
    <Dialog.Root open={props.open} onOpenChange={(open) => props.onOpenChange(open)}>
      <Show when={props.triggerLabel}>
        <Dialog.Trigger class="button primary" as="button" type="button">
          {props.triggerLabel}
        </Dialog.Trigger>
      </Show>
      <Dialog.Portal>
        <Dialog.Overlay class="dialog-overlay" />
        <div class="dialog-positioner">
          <Dialog.Content class={props.wide ? 'dialog wide' : 'dialog'}>
            <Dialog.Title class="dialog-title">{props.title}</Dialog.Title>
            {props.children}
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
