import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { toast } from 'solid-sonner';
import {
  compressionLabel,
  PROFILE_LABELS,
  type TColumnMapping,
  type TImport,
  type TMappedField,
} from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { errorMessage } from '../api/query.ts';
import { importsClient } from '../api/routers.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { delimiterText, encodingText, formatBytes } from './format.ts';
import { ActiveValues } from './active-values.tsx';
import { applyImportState, IMPORTS_KEY } from './import-queries.ts';
import { MappingTable } from './mapping-table.tsx';
import { ReviewChanges } from './review-changes.tsx';
import { ReviewSample } from './review-sample.tsx';
import {
  draftDiffers,
  initialDraft,
  mappingOf,
  missingFields,
  neededText,
  previewCounts,
  readingText,
  withActiveValue,
  type DraftMapping,
} from './review.ts';
import { ProgressBar } from '../components/progress-bar.tsx';

/**
 * An import waiting for a person before it writes: how the file was read, which column feeds
 * each product field (changing one reads the file again, with live progress), the counts it
 * will produce, its first rows and its changes row by row; then Confirm or Cancel. While the
 * file is read (first, or again) the same card shows the progress.
 */
export function ImportReview(props: { state: TImport }) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const imports = importsClient(client);
  const [draft, setDraft] = createSignal<DraftMapping>(initialDraft(props.state));
  const [askCancel, setAskCancel] = createSignal(false);
  // The server's mapping (a new one once the file was read again) is what the selects show.
  createEffect(
    on(
      () => JSON.stringify([props.state.mapping, props.state.suggestions]),
      () => setDraft(initialDraft(props.state)),
      { defer: true },
    ),
  );

  const apply = (state: TImport) => applyImportState(queryClient, state);
  const settle = () => queryClient.invalidateQueries({ queryKey: IMPORTS_KEY });
  const remap = useMutation(() => ({
    mutationFn: (mapping: TColumnMapping) => imports.remap.mutate({ id: props.state.id, mapping }),
    onSuccess: apply,
    onError: (error: unknown) => {
      toast.error(`Could not use these columns: ${errorMessage(error)}`);
      setDraft(initialDraft(props.state));
    },
    onSettled: settle,
  }));
  const confirm = useMutation(() => ({
    mutationFn: () => imports.confirm.mutate({ id: props.state.id }),
    onSuccess: apply,
    onError: (error: unknown) => void toast.error(`Could not confirm: ${errorMessage(error)}`),
    onSettled: settle,
  }));
  const cancel = useMutation(() => ({
    mutationFn: () => imports.cancel.mutate({ id: props.state.id }),
    onSuccess: (state: TImport) => {
      setAskCancel(false);
      apply(state);
    },
    onError: (error: unknown) => {
      setAskCancel(false);
      toast.error(`Could not cancel: ${errorMessage(error)}`);
    },
    onSettled: settle,
  }));

  /** Reading the file: the first time, or again with a new mapping. */
  const reading = () => props.state.status !== 'review';
  const waiting = () => props.state.status === 'review' && !remap.isPending;
  const missing = () => missingFields(draft());
  const canConfirm = () =>
    waiting() &&
    props.state.preview !== null &&
    !draftDiffers(draft(), props.state.mapping) &&
    !confirm.isPending;

  const choose = (field: TMappedField, column: string | undefined) => {
    const next: DraftMapping = { ...draft() };
    if (column) next[field] = column;
    else delete next[field];
    setDraft(next);
    const mapping = mappingOf(next, props.state.mapping);
    if (mapping && draftDiffers(next, props.state.mapping)) remap.mutate(mapping);
  };

  /** A value of the active column mapped by hand: the file is read again, as for a column. */
  const mapActiveValue = (value: string, active: boolean) => {
    const current = props.state.mapping;
    if (current) remap.mutate(withActiveValue(current, value, active));
  };

  const titleId = () => `review-title-${props.state.id}`;
  const hintId = () => `review-hint-${props.state.id}`;

  return (
    <section class="card review" aria-labelledby={titleId()}>
      <div class="row" style={{ 'justify-content': 'space-between' }}>
        <h2 id={titleId()} style={{ margin: 0 }}>
          Review the import
        </h2>
        <span class="badge info">{reading() ? 'reading' : 'waiting for review'}</span>
      </div>

      <dl class="facts">
        <div>
          <dt>File</dt>
          <dd class="truncate-line" title={props.state.filename}>
            {props.state.filename}{' '}
            <span class="muted">({formatBytes(props.state.bytesTotal)})</span>
          </dd>
        </div>
        <Show when={props.state.format}>
          {(format) => (
            <>
              <div>
                <dt>Encoding</dt>
                <dd>{encodingText(format())}</dd>
              </div>
              <Show when={delimiterText(format())}>
                {(delimiter) => (
                  <div>
                    <dt>Delimiter</dt>
                    <dd>{delimiter()}</dd>
                  </div>
                )}
              </Show>
              <Show when={format().compression}>
                {(compression) => (
                  <div>
                    <dt>Compression</dt>
                    <dd>{compressionLabel(compression())}</dd>
                  </div>
                )}
              </Show>
              <div>
                <dt>Profile</dt>
                <dd>{format().profile ? PROFILE_LABELS[format().profile!] : 'none recognised'}</dd>
              </div>
            </>
          )}
        </Show>
      </dl>

      <Show when={reading()}>
        <div class="review-section" aria-live="polite">
          <p style={{ margin: 0 }}>
            <strong>{readingText(props.state)}</strong>
            <Show when={props.state.columns}>
              <span class="muted"> with the columns chosen below</span>
            </Show>
          </p>
          <ProgressBar label="Reading progress" percent={props.state.percent} />
          <p class="muted" style={{ margin: 0 }}>
            {Math.round(props.state.percent)}% · {props.state.rowsProcessed.toLocaleString()} rows
            read
          </p>
        </div>
      </Show>

      <Show when={props.state.columns?.length}>
        <MappingTable state={props.state} draft={draft()} disabled={!waiting()} onChange={choose} />
      </Show>

      <Show when={waiting() && missing().length > 0}>
        <div id={hintId()} class="alert warn" role="status">
          <For each={missing()}>{(field) => <p style={{ margin: 0 }}>{neededText(field)}</p>}</For>
        </div>
      </Show>

      <Show when={waiting() && props.state.preview}>
        {(preview) => (
          <>
            <ActiveValues
              state={props.state}
              disabled={!waiting() || draftDiffers(draft(), props.state.mapping)}
              onMap={mapActiveValue}
            />
            <For each={props.state.warnings}>
              {(warning) => <p class="alert warn">{warning}</p>}
            </For>
            <section aria-labelledby={`counts-title-${props.state.id}`} class="review-section">
              <h3 id={`counts-title-${props.state.id}`}>What the import will do</h3>
              <dl class="stats" data-testid="preview-counts">
                <For each={previewCounts(preview())}>
                  {(count) => (
                    <div>
                      <dt>{count.label}</dt>
                      <dd>{count.value.toLocaleString()}</dd>
                    </div>
                  )}
                </For>
              </dl>
            </section>
            <ReviewSample id={props.state.id} version={props.state.version} />
            <ReviewChanges id={props.state.id} version={props.state.version} preview={preview()} />
          </>
        )}
      </Show>

      <div class="review-actions">
        <button
          type="button"
          onClick={() => setAskCancel(true)}
          disabled={props.state.cancelRequested || cancel.isPending}
        >
          Cancel import
        </button>
        <button
          type="button"
          class="primary"
          disabled={!canConfirm()}
          aria-describedby={waiting() && missing().length > 0 ? hintId() : undefined}
          aria-busy={confirm.isPending}
          onClick={() => confirm.mutate()}
        >
          {confirm.isPending ? 'Confirming…' : 'Confirm import'}
        </button>
      </div>

      <ConfirmDialog
        open={askCancel()}
        onOpenChange={setAskCancel}
        title="Cancel this import?"
        confirmLabel="Cancel import"
        busyLabel="Cancelling…"
        dismissLabel="Keep reviewing"
        busy={cancel.isPending}
        onConfirm={() => cancel.mutate()}
      >
        <p>
          Nothing from <strong>{props.state.filename}</strong> will be written; the catalogue stays
          as it is. To import the file later, upload it again.
        </p>
      </ConfirmDialog>
    </section>
  );
}
