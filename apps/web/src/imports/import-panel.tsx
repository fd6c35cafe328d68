import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createMemo, createSignal, For, Match, onCleanup, Show, Switch } from 'solid-js';
import { toast } from 'solid-sonner';
import type { TImport } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import { importsClient } from '../api/routers.ts';
import { ErrorState, Loading } from '../components/states.tsx';
import {
  formatBytes,
  formatDuration,
  formatText,
  importDuration,
  interruptionNotes,
  isFinal,
  phaseBadge,
  phaseText,
  skippedRowsText,
  statusTone,
  timeLeftMs,
} from './format.ts';
import { ImportErrors } from './import-errors.tsx';
import { cancelledInReview, retryLabel } from './review.ts';
import { UPLOAD_INPUT_ID } from './upload-card.tsx';
import { IMPORTS_KEY, importByIdQuery } from './import-queries.ts';
import { ProgressBar } from '../components/progress-bar.tsx';

/**
 * Remembers the first state seen in each phase of each import, to estimate the time left from
 * the pace since (reading and writing move at different paces).
 */
function createPace(state: () => TImport | undefined) {
  const first = new Map<string, { percent: number; at: number }>();
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(timer));
  return createMemo(() => {
    const current = state();
    if (!current || isFinal(current.status)) return null;
    const key = `${current.id}:${current.status}:${current.phase ?? ''}`;
    const seen = first.get(key);
    if (!seen) {
      first.set(key, { percent: current.percent, at: Date.now() });
      return null;
    }
    return timeLeftMs(seen, { percent: current.percent, at: now() });
  });
}

/**
 * One import in detail: live phase, progress, pace, counts; cancel, retry and the invalid rows.
 * A review cancelled before it was confirmed wrote nothing and has nothing to count: it says so,
 * and offers to review the stored file again (`imports.retry` stops in review again) or to upload
 * another file.
 */
export function ImportPanel(props: { id: string }) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const imports = importsClient(client);
  const query = useQuery(() => importByIdQuery(client, props.id));
  const timeLeft = createPace(() => query.data);

  const settle = () => queryClient.invalidateQueries({ queryKey: IMPORTS_KEY });
  const cancel = useMutation(() => ({
    mutationFn: (id: string) => imports.cancel.mutate({ id }),
    onError: (error: unknown) => toast.error(`Could not cancel: ${errorMessage(error)}`),
    onSettled: settle,
  }));
  const retry = useMutation(() => ({
    mutationFn: (id: string) => imports.retry.mutate({ id }),
    onError: (error: unknown) => toast.error(`Could not retry: ${errorMessage(error)}`),
    onSettled: settle,
  }));

  return (
    <section class="card" aria-labelledby="import-title" aria-live="polite">
      <Switch>
        <Match when={query.isPending}>
          <Loading label="Loading import…" />
        </Match>
        <Match when={query.isError && !query.data}>
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </Match>
        <Match when={query.data}>
          {(state) => (
            <Show
              when={!cancelledInReview(state())}
              fallback={
                <CancelledReview
                  state={state()}
                  retrying={retry.isPending}
                  onReviewAgain={() => retry.mutate(state().id)}
                />
              }
            >
              <div style={{ display: 'grid', gap: '12px' }}>
                <div class="row" style={{ 'justify-content': 'space-between' }}>
                  <div>
                    <h2 id="import-title" style={{ margin: 0 }}>
                      {phaseText(state())}
                    </h2>
                    <span class="muted">
                      {state().filename} · {formatBytes(state().bytesTotal)}
                      <Show when={state().format}>
                        {(format) => (
                          <span data-testid="import-format"> · {formatText(format())}</span>
                        )}
                      </Show>
                    </span>
                  </div>
                  <div class="row">
                    <span class={`badge ${statusTone(state().status)}`}>{phaseBadge(state())}</span>
                    <Show when={!isFinal(state().status)}>
                      <button
                        type="button"
                        disabled={state().cancelRequested || cancel.isPending}
                        onClick={() => cancel.mutate(state().id)}
                      >
                        Cancel import
                      </button>
                    </Show>
                    <Show when={state().status === 'failed' || state().status === 'cancelled'}>
                      <button
                        type="button"
                        class="primary"
                        disabled={retry.isPending}
                        onClick={() => retry.mutate(state().id)}
                      >
                        {retry.isPending ? 'Starting again…' : retryLabel(state())}
                      </button>
                    </Show>
                  </div>
                </div>

                <ProgressBar
                  label="Import progress"
                  percent={state().percent}
                  outcome={
                    state().status === 'completed'
                      ? 'done'
                      : state().status === 'failed'
                        ? 'failed'
                        : undefined
                  }
                />
                <div class="row muted" style={{ gap: '16px' }}>
                  <span>{Math.round(state().percent)}%</span>
                  <span>{state().rowsProcessed.toLocaleString()} rows read</span>
                  <Show when={state().phase === 'writing' && !isFinal(state().status)}>
                    <span>
                      {state().rowsWritten.toLocaleString()} of{' '}
                      {state().rowsToWrite.toLocaleString()} products written
                    </span>
                  </Show>
                  <Show when={!isFinal(state().status) && state().phase !== 'classifying'}>
                    <span>
                      {Math.round(state().rowsPerSecond).toLocaleString()}{' '}
                      {state().phase === 'writing' ? 'products/s' : 'rows/s'}
                    </span>
                    <span>
                      {timeLeft() === null
                        ? 'estimating time left…'
                        : `${formatDuration(timeLeft()!)} left`}
                    </span>
                  </Show>
                  <Show when={importDuration(state())}>{(took) => <span>took {took()}</span>}</Show>
                </div>

                <Show when={state().status === 'failed'}>
                  <p class="alert" role="alert">
                    {state().error ?? 'The import failed.'} Nothing from this file was written;{' '}
                    {state().review
                      ? 'review it again to read the stored file again, without uploading, and check it before it writes.'
                      : 'retry runs it again without uploading.'}
                  </p>
                </Show>
                <Show when={state().status === 'cancelled'}>
                  <p class="alert warn">
                    Cancelled: the catalogue is as it was before this import.
                  </p>
                </Show>
                <For each={state().warnings}>
                  {(warning) => <p class="alert warn">{warning}</p>}
                </For>
                <Show when={state().interruptions.length > 0}>
                  <div class="muted">
                    <p style={{ margin: 0 }}>Attempt {state().attempts} of this import.</p>
                    <For each={interruptionNotes(state())}>
                      {(note) => <p style={{ margin: 0 }}>{note}</p>}
                    </For>
                  </div>
                </Show>

                <dl class="stats">
                  <div>
                    <dt>Created</dt>
                    <dd>{state().created.toLocaleString()}</dd>
                  </div>
                  <div>
                    <dt>Updated</dt>
                    <dd>{state().updated.toLocaleString()}</dd>
                  </div>
                  <div>
                    <dt>Unchanged</dt>
                    <dd>{state().unchanged.toLocaleString()}</dd>
                  </div>
                  <div>
                    <dt>Invalid</dt>
                    <dd>{state().invalid.toLocaleString()}</dd>
                  </div>
                  <div>
                    <dt>Repeated SKU</dt>
                    <dd>{state().duplicates.toLocaleString()}</dd>
                  </div>
                  <div>
                    <dt>Blank</dt>
                    <dd>{state().blank.toLocaleString()}</dd>
                  </div>
                </dl>
                <For each={skippedRowsText(state())}>{(note) => <p class="muted">{note}</p>}</For>

                <Show when={state().invalid > 0}>
                  <ImportErrors id={state().id} invalid={state().invalid} />
                </Show>
              </div>
            </Show>
          )}
        </Match>
      </Switch>
    </section>
  );
}

/** A review cancelled before anyone confirmed it: nothing written, nothing to count. */
function CancelledReview(props: { state: TImport; retrying: boolean; onReviewAgain: () => void }) {
  return (
    <div style={{ display: 'grid', gap: '12px' }}>
      <div class="row" style={{ 'justify-content': 'space-between' }}>
        <div>
          <h2 id="import-title" style={{ margin: 0 }}>
            Review cancelled
          </h2>
          <span class="muted">
            {props.state.filename} · {formatBytes(props.state.bytesTotal)}
          </span>
        </div>
        <span class={`badge ${statusTone(props.state.status)}`}>cancelled</span>
      </div>
      <p class="alert warn">
        Cancelled before it was confirmed: nothing from <strong>{props.state.filename}</strong> was
        written, and the catalogue is as it was.
      </p>
      <div class="review-actions">
        <button
          type="button"
          // Opens the upload card's file chooser, as "Choose a file" does.
          onClick={() => document.getElementById(UPLOAD_INPUT_ID)?.click()}
        >
          Upload another file
        </button>
        <button
          type="button"
          class="primary"
          disabled={props.retrying}
          aria-busy={props.retrying}
          onClick={() => props.onReviewAgain()}
        >
          {props.retrying ? 'Reading the file again…' : 'Review again'}
        </button>
      </div>
    </div>
  );
}
