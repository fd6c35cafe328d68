import { ImportFailure } from './import-failure.ts';

const REQUIRED = ['sku', 'name'] as const;
const OPTIONAL = ['description', 'active'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const KNOWN: readonly string[] = [...REQUIRED, ...OPTIONAL];

/** Field positions of the columns the import reads; -1 for an optional column the file lacks. */
export interface HeaderMap {
  sku: number;
  name: number;
  description: number;
  active: number;
  /** Fields a row must have. */
  width: number;
  warnings: string[];
}

/**
 * Maps the header row to column positions: names compared trimmed and case-insensitively, in any
 * order. Fails (before anything is written) when a required column is missing or a known column
 * appears twice; unknown columns are ignored with a warning.
 */
export function mapHeader(fields: readonly string[]): HeaderMap {
  const positions = new Map<Column, number>();
  const unknown: string[] = [];
  fields.forEach((raw, index) => {
    const name = raw.trim().toLowerCase();
    if (!KNOWN.includes(name)) {
      unknown.push(raw.trim() === '' ? `(empty, column ${index + 1})` : raw.trim());
      return;
    }
    if (positions.has(name as Column))
      throw new ImportFailure(`The header names the column "${name}" twice; keep only one.`);
    positions.set(name as Column, index);
  });

  const missing = REQUIRED.filter((column) => !positions.has(column));
  if (missing.length > 0) {
    const found = fields.map((field) => `"${field.trim()}"`).join(', ');
    throw new ImportFailure(
      `The header has no ${missing.map((m) => `"${m}"`).join(' or ')} column ` +
        `(found: ${found || 'nothing'}). The first line must name the columns: sku and name are required, description and active optional.`,
    );
  }
  const warnings =
    unknown.length > 0
      ? [`Ignored unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`]
      : [];
  return {
    sku: positions.get('sku') ?? -1,
    name: positions.get('name') ?? -1,
    description: positions.get('description') ?? -1,
    active: positions.get('active') ?? -1,
    width: fields.length,
    warnings,
  };
}
