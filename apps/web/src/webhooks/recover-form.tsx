import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { createSignal, Show } from 'solid-js';
import { toast } from 'solid-sonner';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import { webhooksClient } from '../api/routers.ts';
import { WEBHOOKS_KEY } from './webhook-queries.ts';
import { FormActions } from '../components/form-actions.tsx';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A Date as the value of an `<input type="datetime-local">` (local time, to the minute). */
function toLocalInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/**
 * "Recover failed since …": every failed delivery of the webhook from a time on is sent again
 * (oldest first, at the webhook's rate limit), e.g. after the endpoint was down.
 */
export function RecoverForm(props: { webhookId: string; onDone: () => void }) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [since, setSince] = createSignal(toLocalInput(new Date(Date.now() - DAY_MS)));
  const [problem, setProblem] = createSignal<string>();

  const recover = useMutation(() => ({
    mutationFn: (from: Date) =>
      webhooksClient(client).recover.mutate({ id: props.webhookId, since: from }),
    onSuccess: ({ deliveries }) => {
      if (deliveries === 0) toast.info('No failed deliveries since then');
      else {
        toast.success(
          `${deliveries} failed ${deliveries === 1 ? 'delivery' : 'deliveries'} will be sent again`,
        );
      }
      void queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });
      props.onDone();
    },
    onError: (error: unknown) => setProblem(errorMessage(error)),
  }));

  /** The client's reading of the field: a Date, or what is wrong with it. */
  const parse = (value: string): Date | string => {
    const date = value ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) return 'Choose a date and time';
    if (date.getTime() > Date.now()) return 'Choose a time in the past';
    return date;
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = parse(since());
    if (typeof parsed === 'string') return setProblem(parsed);
    setProblem(undefined);
    recover.mutate(parsed);
  };

  return (
    <form
      class="card recover-form"
      onSubmit={submit}
      novalidate
      aria-label="Recover failed deliveries"
    >
      <label class="field">
        <span>Re-send every failed delivery since</span>
        <input
          type="datetime-local"
          name="since"
          value={since()}
          max={toLocalInput(new Date())}
          aria-invalid={problem() ? 'true' : undefined}
          aria-describedby="recover-hint"
          onInput={(e) => {
            setSince(e.currentTarget.value);
            // A fixed mistake stops being reported at once.
            if (problem() && typeof parse(e.currentTarget.value) !== 'string')
              setProblem(undefined);
          }}
        />
      </label>
      <p id="recover-hint" class="muted">
        Oldest first, at the webhook's rate limit, each with its original{' '}
        <span class="mono">webhook-id</span>.
      </p>
      <Show when={problem()}>
        <p class="field-error" role="alert">
          {problem()}
        </p>
      </Show>
      <FormActions
        busy={recover.isPending}
        submitLabel="Recover"
        busyLabel="Recovering…"
        onCancel={() => props.onDone()}
        holdWhileBusy
      />
    </form>
  );
}
