import { MAPPED_FIELDS, type TColumnMapping, type TFieldSuggestion } from '@acme/shared';
import { ImportFailure } from './import-failure.ts';
import { findColumn, quoteList } from './mapping/plan.ts';

const REQUIRED = ['sku', 'name'] as const;
/** Unknown columns named in the warning; the rest are counted. */
const WARNED_COLUMNS = 12;

/** Field positions of the columns the import reads; -1 for an optional column the file lacks. */
export interface HeaderMap {
  sku: number;
  name: number;
  description: number;
  active: number;
  /** Fields a row must have. */
  width: number;
  warnings: string[];
  /** What the `active` column's values mean (with values mapped by hand); absent: the usual words. */
  activeValues?: ReadonlyMap<string, boolean>;
}

/**
 * Maps the header row of a plain file to column positions: the product fields' own names, compared
 * trimmed and case-insensitively, in any order. Fails (before anything is written) when a
 * required column is missing or a known column appears twice; unknown columns are ignored with a
 * warning. Files with other names go through a mapping (`headerFromMapping`).
 */
export function mapHeader(fields: readonly string[]): HeaderMap {
  const mapping: Partial<TColumnMapping> = {};
  for (const field of MAPPED_FIELDS) {
    const index = findColumn(fields, field);
    if (index !== -1) mapping[field] = fields[index]!;
  }
  failOnDuplicates(fields, mapping);
  const missing = REQUIRED.filter((field) => mapping[field] === undefined);
  if (missing.length > 0) throw missingColumnsFailure(fields, []);
  return headerFromMapping(fields, mapping as TColumnMapping);
}

/**
 * Column positions for a mapping (its names compared trimmed, case-insensitively). A mapped name
 * the header holds twice fails: the import cannot know which one is meant. Columns neither mapped
 * nor in `alsoRead` (e.g. Shopify's Handle) are ignored with a warning.
 */
export function headerFromMapping(
  fields: readonly string[],
  mapping: TColumnMapping,
  options: { alsoRead?: readonly number[]; activeValues?: ReadonlyMap<string, boolean> } = {},
): HeaderMap {
  failOnDuplicates(fields, mapping);
  const position = (name: string | undefined) =>
    name === undefined ? -1 : findColumn(fields, name);
  const header: HeaderMap = {
    sku: position(mapping.sku),
    name: position(mapping.name),
    description: position(mapping.description),
    active: position(mapping.active),
    width: fields.length,
    warnings: [],
  };
  if (header.sku === -1 || header.name === -1) throw missingColumnsFailure(fields, []);
  if (options.activeValues) header.activeValues = options.activeValues;
  const read = new Set([header.sku, header.name, header.description, header.active]);
  for (const index of options.alsoRead ?? []) read.add(index);
  const unknown = fields.flatMap((raw, index) =>
    read.has(index) ? [] : [raw.trim() === '' ? `(empty, column ${index + 1})` : raw.trim()],
  );
  if (unknown.length > 0) {
    const named = unknown.slice(0, WARNED_COLUMNS).join(', ');
    const more =
      unknown.length > WARNED_COLUMNS ? ` and ${unknown.length - WARNED_COLUMNS} more` : '';
    header.warnings.push(`Ignored unknown column${unknown.length > 1 ? 's' : ''}: ${named}${more}`);
  }
  return header;
}

function failOnDuplicates(fields: readonly string[], mapping: Partial<TColumnMapping>): void {
  for (const field of MAPPED_FIELDS) {
    const name = mapping[field];
    if (name === undefined) continue;
    const key = name.trim().toLowerCase();
    const count = fields.filter((column) => column.trim().toLowerCase() === key).length;
    if (count > 1) {
      const label = key === field ? field : name.trim();
      throw new ImportFailure(`The header names the column "${label}" twice; keep only one.`);
    }
  }
}

/**
 * The failure of a file whose sku or name column cannot be found: names what is missing, the
 * columns found and, for each missing field, the closest candidates (docs/contract.md section 2b).
 */
export function missingColumnsFailure(
  fields: readonly string[],
  suggestions: readonly TFieldSuggestion[],
): ImportFailure {
  const missing = REQUIRED.filter((field) => {
    const suggestion = suggestions.find((s) => s.field === field);
    return suggestion ? suggestion.column === null : findColumn(fields, field) === -1;
  });
  const candidates = missing.flatMap((field) => {
    const suggestion = suggestions.find((s) => s.field === field);
    if (!suggestion) return [];
    const closest = suggestion.candidates
      .slice(0, 3)
      .map(({ column, confidence }) => `"${column}" (${Math.round(confidence * 100)} %)`);
    return [`${field}: ${closest.join(', ') || 'none'}`];
  });
  return new ImportFailure(
    `The header has no ${missing.map((m) => `"${m}"`).join(' or ')} column ` +
      `(found: ${quoteList(fields)}).` +
      (candidates.length > 0 ? ` Closest candidates: ${candidates.join('; ')}.` : '') +
      ' The first line must name the columns: sku and name are required, description and active optional' +
      (suggestions.length > 0
        ? '; other names can be mapped (the upload\'s "mapping" field).'
        : '.'),
  );
}
