import {
  MAPPED_FIELDS,
  type TColumnMapping,
  type TImport,
  type TImportPreview,
  type TMappedField,
  type TProductFields,
} from '@acme/shared';
import { isFinal } from './format.ts';

/** The product fields as the review names them. */
export const FIELD_LABELS: Record<TMappedField, string> = {
  sku: 'SKU',
  name: 'Name',
  description: 'Description',
  active: 'Active',
};

/** Fields every import needs a column for; the others may be left out ("not imported"). */
export const REQUIRED_FIELDS: readonly TMappedField[] = ['sku', 'name'];

/**
 * An import uploaded for review that nobody has confirmed or cancelled yet: reading its file
 * (first, or again after a new mapping) or waiting in `review`. The page shows it as a review.
 */
export function isReviewing(state: Pick<TImport, 'review' | 'confirmedAt' | 'status'>): boolean {
  return state.review && state.confirmedAt === null && !isFinal(state.status);
}

/**
 * A review cancelled before anyone confirmed it (from the review, or while its file was read):
 * nothing was written and its counters mean nothing. `imports.retry` reads its stored file again
 * and stops in review again.
 */
export function cancelledInReview(
  state: Pick<TImport, 'review' | 'confirmedAt' | 'status'>,
): boolean {
  return state.status === 'cancelled' && state.review && state.confirmedAt === null;
}

/**
 * What running a failed or cancelled import again is called: an import uploaded for review goes
 * through review again (`imports.retry` resets it to before the review), others simply retry.
 */
export function retryLabel(state: Pick<TImport, 'review'>): string {
  return state.review ? 'Review again' : 'Retry';
}

/** What a review is doing while it reads its file (the first time, or again with new columns). */
export function readingText(state: Pick<TImport, 'status' | 'cancelRequested'>): string {
  if (state.cancelRequested) return 'Cancelling…';
  return state.status === 'queued' ? 'Waiting to read the file' : 'Reading the file';
}

/** Which column each field takes, as the review's selects show it (a field left out is absent). */
export type DraftMapping = Partial<Record<TMappedField, string>>;

/**
 * The columns the selects start from: the mapping in force, else (no mapping fits with
 * confidence) the columns the matching suggests, so the user only picks what is missing.
 */
export function initialDraft(state: Pick<TImport, 'mapping' | 'suggestions'>): DraftMapping {
  const draft: DraftMapping = {};
  for (const field of MAPPED_FIELDS) {
    const column =
      state.mapping?.[field] ??
      (state.mapping ? null : state.suggestions?.find((s) => s.field === field)?.column);
    if (column) draft[field] = column;
  }
  return draft;
}

/** The required fields the draft has no column for yet. */
export function missingFields(draft: DraftMapping): TMappedField[] {
  return REQUIRED_FIELDS.filter((field) => !draft[field]);
}

/** What to do before the import can be confirmed: one sentence per field without a column. */
export function neededText(field: TMappedField): string {
  return `Choose the column that holds the ${field === 'sku' ? 'SKU' : field}.`;
}

/**
 * The mapping to send once sku and name have columns (null before), keeping the `active` values
 * mapped by hand in the mapping in force.
 */
export function mappingOf(
  draft: DraftMapping,
  current: TColumnMapping | null,
): TColumnMapping | null {
  if (!draft.sku || !draft.name) return null;
  const mapping: TColumnMapping = { sku: draft.sku, name: draft.name };
  if (draft.description) mapping.description = draft.description;
  if (draft.active) {
    mapping.active = draft.active;
    if (current?.activeValues && current.active === draft.active)
      mapping.activeValues = current.activeValues;
  }
  return mapping;
}

/**
 * The mapping in force with one value of the active column mapped by hand, replacing an earlier
 * spelling of the same value (values compare trimmed and case-insensitively).
 */
export function withActiveValue(
  mapping: TColumnMapping,
  value: string,
  active: boolean,
): TColumnMapping {
  const key = value.trim().toLowerCase();
  const activeValues = Object.fromEntries(
    Object.entries(mapping.activeValues ?? {}).filter(([k]) => k.trim().toLowerCase() !== key),
  );
  activeValues[value.trim()] = active;
  return { ...mapping, activeValues };
}

/** What the active column's values not understood cost, and what to do, in one sentence. */
export function notUnderstoodText(values: readonly { value: string; rows: number }[]): string {
  const rows = values.reduce((sum, item) => sum + item.rows, 0);
  const named = values
    .slice(0, 3)
    .map((item) => `"${item.value}"`)
    .join(', ');
  const more = values.length > 3 ? ` and ${values.length - 3} more` : '';
  const one = values.length === 1;
  return (
    `${named}${more} ${one ? 'is' : 'are'} not understood: ` +
    `${rows.toLocaleString('en')} row${rows === 1 ? '' : 's'} will be invalid. ` +
    `Choose whether ${one ? 'it means' : 'each means'} active or inactive.`
  );
}

/** Whether the draft says something else than the mapping in force. */
export function draftDiffers(draft: DraftMapping, current: TColumnMapping | null): boolean {
  return MAPPED_FIELDS.some((field) => (draft[field] ?? null) !== (current?.[field] ?? null));
}

/**
 * How the column of a field was chosen, in a few words: "matched 92 %" (by name, alias or fuzzy
 * matching, with its confidence), "remembered" (confirmed earlier for a file with the same
 * columns), "profile" (a recognised shop export's) or "chosen" (by a person). Null for a field
 * without a column.
 */
export function fieldSourceText(
  state: Pick<TImport, 'mapping' | 'mappingSource' | 'suggestions'>,
  field: TMappedField,
): string | null {
  const column = state.mapping?.[field];
  if (!column) return null;
  switch (state.mappingSource) {
    case 'remembered':
      return 'remembered';
    case 'profile':
      return 'profile';
    case 'matched': {
      const suggestion = state.suggestions?.find((s) => s.field === field);
      const confidence =
        suggestion?.column === column
          ? suggestion.confidence
          : suggestion?.candidates.find((candidate) => candidate.column === column)?.confidence;
      return confidence === undefined ? 'matched' : `matched ${Math.round(confidence * 100)} %`;
    }
    default:
      // `given` (the review's own choice), or stored with the upload before a worker read it.
      return 'chosen';
  }
}

/**
 * The closest column for a field the matching left without one (no column fits with enough
 * confidence to be mapped by itself): its name and confidence in percent, so the review says why
 * the field is unmapped and what it would take. Null when a column was chosen, or none comes near.
 */
export function closestSuggestion(
  state: Pick<TImport, 'suggestions'>,
  field: TMappedField,
): { column: string; percent: number } | null {
  const suggestion = state.suggestions?.find((s) => s.field === field);
  const best = suggestion?.column === null ? suggestion.candidates[0] : undefined;
  return best ? { column: best.column, percent: Math.round(best.confidence * 100) } : null;
}

/** The counts a preview promises, labelled as the review shows them. */
export function previewCounts(preview: TImportPreview): { label: string; value: number }[] {
  return [
    { label: 'New', value: preview.created },
    { label: 'Updated', value: preview.updated },
    { label: 'Unchanged', value: preview.unchanged },
    { label: 'Invalid', value: preview.invalid },
    { label: 'Repeated SKU', value: preview.duplicates },
    { label: 'Blank', value: preview.blank },
  ];
}

/** An `active` value as a person reads it; null means the file does not say. */
export function activeText(active: boolean | null): string {
  if (active === null) return 'not given';
  return active ? 'active' : 'inactive';
}

/** The fields an updated row changes, each with its value before and after. */
export function changedFields(
  before: TProductFields | null,
  after: TProductFields | null,
): { field: keyof TProductFields; before: string; after: string }[] {
  if (!after) return [];
  const fields: (keyof TProductFields)[] = ['sku', 'name', 'description', 'active'];
  const show = (product: TProductFields, field: keyof TProductFields) =>
    field === 'active' ? activeText(product.active) : product[field];
  return fields
    .filter((field) => !before || before[field] !== after[field])
    .map((field) => ({
      field,
      before: before ? String(show(before, field)) : '',
      after: String(show(after, field)),
    }));
}
