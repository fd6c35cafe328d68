import {
  MAPPED_FIELDS,
  type TColumnCandidate,
  type TColumnMapping,
  type TFieldSuggestion,
  type TImportProfile,
  type TMappedField,
  type TMappingSource,
} from '@acme/shared';
import { ImportFailure } from '../import-failure.ts';
import { FIELD_ALIASES } from './field-aliases.ts';
import { editSimilarity, headerKey, headerWords, wordSimilarity } from './header-names.ts';
import { detectProfile, profileMapping } from './profiles.ts';

/** A column this sure (or surer) is mapped without asking. */
export const CONFIDENT = 0.75;
/** Candidates below this are not worth showing. */
const SHOWN = 0.4;
/** Candidates shown per field. */
const CANDIDATES = 5;
/** The field's own name (`SKU`, ` name `). */
const EXACT = 1;
/** A known alias (`Artikelnummer`, `Item code`, `Body (HTML)`). */
const ALIAS = 0.95;
/** Fuzzy matches never reach an alias' confidence. */
const FUZZY_WEIGHT = 0.9;
/** Names this short are only matched exactly: one edit changes too much of them. */
const FUZZY_MIN_LENGTH = 4;

export interface MappingPlan {
  /** The shop export the header comes from (its rules apply to the rows), or null. */
  profile: TImportProfile;
  /** The mapping in force; null when sku or name cannot be mapped with confidence. */
  mapping: TColumnMapping | null;
  source: TMappingSource | null;
  /** For every product field: the column chosen (or null), its confidence, the candidates. */
  suggestions: TFieldSuggestion[];
}

interface AliasForm {
  key: string;
  words: string[];
}
const ALIAS_FORMS: Record<TMappedField, AliasForm[]> = Object.fromEntries(
  MAPPED_FIELDS.map((field) => [
    field,
    [field, ...FIELD_ALIASES[field]].map((alias) => ({
      key: headerKey(alias),
      words: headerWords(alias),
    })),
  ]),
) as Record<TMappedField, AliasForm[]>;

/** How well a header name fits a product field, 0..1. */
export function fieldConfidence(field: TMappedField, column: string): number {
  const key = headerKey(column);
  if (key === '') return 0;
  if (key === field) return EXACT;
  const words = headerWords(column);
  let best = 0;
  for (const alias of ALIAS_FORMS[field]) {
    if (alias.key === key) return ALIAS;
    const fuzzy =
      key.length >= FUZZY_MIN_LENGTH && alias.key.length >= FUZZY_MIN_LENGTH
        ? Math.max(editSimilarity(key, alias.key), wordSimilarity(words, alias.words))
        : 0;
    best = Math.max(best, fuzzy * FUZZY_WEIGHT);
  }
  return round2(best);
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Matches each product field to a column: exact name, then known aliases, then fuzzy matching.
 * A column serves one field at most, the best-fitting pairs first; a field gets a column only
 * when it fits with confidence. Candidates list every column worth showing, best first.
 */
export function suggestFields(columns: readonly string[]): TFieldSuggestion[] {
  const names = distinctColumns(columns);
  const scored = MAPPED_FIELDS.map((field) => ({
    field,
    candidates: names
      .map((column) => ({ column, confidence: fieldConfidence(field, column) }))
      .filter((candidate) => candidate.confidence >= SHOWN)
      .sort((a, b) => b.confidence - a.confidence),
  }));
  const pairs = scored
    .flatMap(({ field, candidates }) => candidates.map((candidate) => ({ field, ...candidate })))
    .filter((pair) => pair.confidence >= CONFIDENT)
    .sort((a, b) => b.confidence - a.confidence);
  const chosen = new Map<TMappedField, TColumnCandidate>();
  const used = new Set<string>();
  for (const pair of pairs) {
    if (chosen.has(pair.field) || used.has(pair.column)) continue;
    chosen.set(pair.field, { column: pair.column, confidence: pair.confidence });
    used.add(pair.column);
  }
  return scored.map(({ field, candidates }) => ({
    field,
    column: chosen.get(field)?.column ?? null,
    confidence: chosen.get(field)?.confidence ?? 0,
    candidates: candidates.slice(0, CANDIDATES),
  }));
}

/** The header's names, trimmed, each once, empty ones left out. */
function distinctColumns(columns: readonly string[]): string[] {
  return [...new Set(columns.map((column) => column.trim()).filter((column) => column !== ''))];
}

/** The column of the header a mapping's name refers to (trimmed, case-insensitive), or undefined. */
export function findColumn(columns: readonly string[], name: string): number {
  const wanted = name.trim();
  const exact = columns.findIndex((column) => column.trim() === wanted);
  if (exact !== -1) return exact;
  const lower = wanted.toLowerCase();
  return columns.findIndex((column) => column.trim().toLowerCase() === lower);
}

/**
 * Why a mapping does not fit this header (a column it names is not there), or null when it fits.
 * Names the columns found, so the user can correct it.
 */
export function mappingProblem(columns: readonly string[], mapping: TColumnMapping): string | null {
  const missing = MAPPED_FIELDS.flatMap((field) => {
    const name = mapping[field];
    return name !== undefined && findColumn(columns, name) === -1 ? [`${field} → "${name}"`] : [];
  });
  if (missing.length === 0) return null;
  return (
    `The mapping names ${missing.length > 1 ? 'columns' : 'a column'} the file does not have ` +
    `(${missing.join(', ')}); found: ${quoteList(columns)}.`
  );
}

/**
 * Whether two mappings that fit this header read the file the same way: each field from the same
 * column (however its name is spelled) and the same hand-mapped `active` values.
 */
export function sameMapping(
  columns: readonly string[],
  a: TColumnMapping,
  b: TColumnMapping,
): boolean {
  const columnOf = (mapping: TColumnMapping, field: TMappedField) => {
    const name = mapping[field];
    return name === undefined ? -1 : findColumn(columns, name);
  };
  const values = (mapping: TColumnMapping) =>
    JSON.stringify(Object.entries(mapping.activeValues ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)));
  return (
    MAPPED_FIELDS.every((field) => columnOf(a, field) === columnOf(b, field)) &&
    values(a) === values(b)
  );
}

export const quoteList = (columns: readonly string[]): string =>
  columns.map((column) => `"${column.trim()}"`).join(', ') || 'nothing';

/**
 * Decides how a file's columns become product fields. In order: the mapping given (upload or
 * review), the one remembered for this header, the rules of a recognised shop export, matching.
 * A given mapping that names a column the file lacks fails the import (ImportFailure); a
 * remembered one that no longer fits is passed over.
 */
export function planMapping(
  columns: string[],
  options: { given?: TColumnMapping | null; remembered?: TColumnMapping | null } = {},
): MappingPlan {
  const profile = detectProfile(columns);
  const matched = suggestFields(columns);
  const plan = (mapping: TColumnMapping | null, source: TMappingSource | null): MappingPlan => ({
    profile,
    mapping,
    source,
    suggestions: mapping && source !== 'matched' ? withChoice(matched, mapping) : matched,
  });

  if (options.given) {
    const problem = mappingProblem(columns, options.given);
    if (problem) throw new ImportFailure(problem);
    return plan(inFileSpelling(columns, options.given), 'given');
  }
  if (options.remembered && mappingProblem(columns, options.remembered) === null)
    return plan(inFileSpelling(columns, options.remembered), 'remembered');
  if (profile) return plan(profileMapping(profile, columns), 'profile');

  const column = (field: TMappedField) => matched.find((s) => s.field === field)?.column ?? null;
  const sku = column('sku');
  const name = column('name');
  if (sku === null || name === null) return plan(null, null);
  const mapping: TColumnMapping = { sku, name };
  const description = column('description');
  const active = column('active');
  if (description !== null) mapping.description = description;
  if (active !== null) mapping.active = active;
  return plan(mapping, 'matched');
}

/** A fitting mapping with each column named as the file's header writes it. */
function inFileSpelling(columns: readonly string[], mapping: TColumnMapping): TColumnMapping {
  const spelled: TColumnMapping = { ...mapping };
  for (const field of MAPPED_FIELDS) {
    const name = mapping[field];
    if (name !== undefined) spelled[field] = columns[findColumn(columns, name)]!.trim();
  }
  return spelled;
}

/** The suggestions with a mapping chosen by a person or a profile: its columns, confidence 1. */
function withChoice(matched: TFieldSuggestion[], mapping: TColumnMapping): TFieldSuggestion[] {
  return matched.map((suggestion) => {
    const column = mapping[suggestion.field] ?? null;
    return { ...suggestion, column, confidence: column === null ? 0 : 1 };
  });
}
