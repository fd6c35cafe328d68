import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { EVENT_TYPES, type TEventType } from '@acme/shared';
import { errorMessage, fieldErrors } from '../api/query.ts';
import { Toggle } from '../components/toggle.tsx';
import { validateWebhookUrl } from './webhook-queries.ts';
import { FormActions } from '../components/form-actions.tsx';
import { Modal } from '../components/modal.tsx';

export interface WebhookDraft {
  url: string;
  events: TEventType[];
  enabled: boolean;
}

type Errors = Partial<Record<'url' | 'events' | 'form', string>>;

/** Add or edit a webhook: URL, event types, enabled; errors from either side shown per field. */
export function WebhookFormDialog(props: {
  title: string;
  submitLabel: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  initial: WebhookDraft;
  onSubmit: (draft: WebhookDraft) => Promise<unknown>;
}) {
  const [url, setUrl] = createSignal('');
  const [events, setEvents] = createSignal<TEventType[]>([]);
  const [enabled, setEnabled] = createSignal(true);
  const [errors, setErrors] = createSignal<Errors>({});
  const [busy, setBusy] = createSignal(false);

  const reset = () => {
    setUrl(props.initial.url);
    setEvents([...props.initial.events]);
    setEnabled(props.initial.enabled);
    setErrors({});
  };

  createEffect(
    on(
      () => props.open,
      (open) => open && reset(),
    ),
  );

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const next: Errors = {};
    const urlProblem = validateWebhookUrl(url());
    if (urlProblem) next.url = urlProblem;
    if (events().length === 0) next.events = 'Choose at least one event type';
    setErrors(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    props
      .onSubmit({ url: url().trim(), events: events(), enabled: enabled() })
      .then(() => props.onOpenChange(false))
      .catch((error: unknown) => {
        const fields = fieldErrors(error);
        setErrors(
          fields['url'] || fields['events']
            ? { url: fields['url'], events: fields['events'] }
            : { form: errorMessage(error) },
        );
      })
      .finally(() => setBusy(false));
  };

  /**
   * Once a field was reported, each change says at once whether it is right now: a fixed mistake
   * goes away while typing (a server's refusal too: it was about the old value).
   */
  const changeUrl = (value: string) => {
    setUrl(value);
    if (errors().url)
      setErrors((current) => ({ ...current, url: validateWebhookUrl(value) ?? undefined }));
  };

  const toggleEvent = (type: TEventType, on: boolean) => {
    setEvents((current) => (on ? [...current, type] : current.filter((e) => e !== type)));
    if (errors().events && events().length > 0) {
      setErrors((current) => ({ ...current, events: undefined }));
    }
  };

  return (
    <Modal
      open={props.open}
      onOpenChange={(open) => !busy() && props.onOpenChange(open)}
      title={props.title}
    >
      <form style={{ display: 'grid', gap: '12px' }} onSubmit={submit} novalidate>
        <label class="field">
          <span>Endpoint URL</span>
          <input
            type="url"
            name="url"
            placeholder="https://example.com/webhooks/acme"
            value={url()}
            onInput={(e) => changeUrl(e.currentTarget.value)}
            aria-invalid={errors().url ? 'true' : undefined}
            aria-describedby={errors().url ? 'webhook-url-error' : undefined}
          />
          <Show when={errors().url}>
            <span id="webhook-url-error" class="field-error">
              {errors().url}
            </span>
          </Show>
        </label>
        <fieldset class="field" style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend style={{ 'font-weight': 500, 'font-size': '13px', 'margin-bottom': '4px' }}>
            Events
          </legend>
          <For each={EVENT_TYPES}>
            {(type) => (
              <label class="row" style={{ gap: '6px' }}>
                <input
                  type="checkbox"
                  checked={events().includes(type)}
                  onChange={(e) => toggleEvent(type, e.currentTarget.checked)}
                />
                <span class="mono">{type}</span>
              </label>
            )}
          </For>
          <Show when={errors().events}>
            <span class="field-error">{errors().events}</span>
          </Show>
        </fieldset>
        <Toggle label="Enabled" checked={enabled()} onChange={setEnabled} />
        <FormActions
          error={errors().form}
          busy={busy()}
          submitLabel={props.submitLabel}
          busyLabel="Saving…"
          onCancel={() => props.onOpenChange(false)}
          holdWhileBusy
        />
      </form>
    </Modal>
  );
}
