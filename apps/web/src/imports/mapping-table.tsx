import { For, Show } from 'solid-js';
import { MAPPED_FIELDS, type TImport, type TMappedField } from '@acme/shared';
import {
  closestSuggestion,
  FIELD_LABELS,
  fieldSourceText,
  REQUIRED_FIELDS,
  type DraftMapping,
} from './review.ts';

/**
 * One labelled select per product field, listing the file's columns ("not imported" for the
 * optional fields), with how the column in force was chosen beside it; a field left without a
 * column names the closest one the matching found ("suggested 62 %"), too unsure to map by itself.
 */
export function MappingTable(props: {
  state: TImport;
  draft: DraftMapping;
  /** True while a new mapping is being applied: the selects wait for it. */
  disabled: boolean;
  onChange: (field: TMappedField, column: string | undefined) => void;
}) {
  const columns = () => [
    ...new Set((props.state.columns ?? []).map((c) => c.trim()).filter((c) => c !== '')),
  ];
  const selectId = (field: TMappedField) => `mapping-${props.state.id}-${field}`;

  return (
    <section aria-labelledby={`mapping-title-${props.state.id}`} class="review-section">
      <h3 id={`mapping-title-${props.state.id}`}>Columns</h3>
      <p class="muted">
        Which column of the file holds each product field. Changing one reads the file again.
      </p>
      <div class="mapping-grid">
        <For each={MAPPED_FIELDS}>
          {(field) => {
            const required = REQUIRED_FIELDS.includes(field);
            const inForce = () => props.state.mapping?.[field] ?? null;
            const source = () =>
              // Only what the server applied has a source; a draft choice is not applied yet.
              inForce() !== null && inForce() === (props.draft[field] ?? null)
                ? fieldSourceText(props.state, field)
                : null;
            return (
              <div class="mapping-row">
                <label for={selectId(field)}>
                  {FIELD_LABELS[field]}
                  <Show when={required}>
                    <span class="muted"> (required)</span>
                  </Show>
                </label>
                <select
                  id={selectId(field)}
                  value={props.draft[field] ?? ''}
                  disabled={props.disabled}
                  aria-invalid={required && !props.draft[field]}
                  onChange={(event) =>
                    props.onChange(field, event.currentTarget.value || undefined)
                  }
                >
                  <option value="" selected={!props.draft[field]}>
                    {required ? 'Choose a column…' : 'not imported'}
                  </option>
                  <For each={columns()}>
                    {(column) => (
                      <option value={column} selected={props.draft[field] === column}>
                        {column}
                      </option>
                    )}
                  </For>
                </select>
                <span class="mapping-source">
                  <Show
                    when={source()}
                    fallback={
                      <Show when={!props.draft[field]}>
                        <span class={`badge ${required ? 'warn' : ''}`}>
                          {required ? 'needed' : 'not imported'}
                        </span>
                        <Show when={closestSuggestion(props.state, field)}>
                          {(closest) => (
                            <span
                              class="suggested"
                              data-testid={`suggested-${field}`}
                              title={`"${closest().column}" fits ${FIELD_LABELS[field]} ${closest().percent} %: too unsure to map by itself. Choose it above to use it.`}
                            >
                              suggested {closest().percent} %:{' '}
                              <span class="mono truncate-line">{closest().column}</span>
                            </span>
                          )}
                        </Show>
                      </Show>
                    }
                  >
                    {(text) => <span class="badge info">{text()}</span>}
                  </Show>
                </span>
              </div>
            );
          }}
        </For>
      </div>
    </section>
  );
}
