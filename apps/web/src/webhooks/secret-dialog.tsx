import { createSignal, Show } from 'solid-js';
import { Modal, ModalDescription } from '../components/modal.tsx';

/** The signing secret, shown once after creation (the server masks it from then on). */
export function SecretDialog(props: { secret: string | null; note?: string; onClose: () => void }) {
  const [copied, setCopied] = createSignal<'yes' | 'failed' | null>(null);
  const copy = () =>
    navigator.clipboard
      .writeText(props.secret ?? '')
      .then(() => setCopied('yes'))
      .catch(() => setCopied('failed'));
  const close = () => {
    setCopied(null);
    props.onClose();
  };
  return (
    <Modal
      open={props.secret !== null}
      onOpenChange={(open) => !open && close()}
      title="Signing secret"
    >
      <ModalDescription>
        Copy this secret now and store it with the receiving service: it verifies the{' '}
        <span class="mono">webhook-signature</span> header. It will not be shown again.
      </ModalDescription>
      <Show when={props.note}>
        <p class="alert warn">{props.note}</p>
      </Show>
      <div class="row">
        <input
          class="mono"
          style={{ flex: 1 }}
          readOnly
          aria-label="Signing secret"
          value={props.secret ?? ''}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          {copied() === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied() === 'failed' && (
        <p class="alert warn">Could not copy automatically; select the text and copy it.</p>
      )}
      <div class="dialog-actions">
        <button type="button" class="primary" onClick={close}>
          I have stored it
        </button>
      </div>
    </Modal>
  );
}
