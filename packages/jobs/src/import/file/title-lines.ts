/**
 * Lines above the header. A supplier's price list often starts with a title ("Preisliste 2026",
 * "Supplier: Muster GmbH") before the column names; each such line fills at most one cell. The
 * header is the first record with two or more non-empty fields (sku and name at least), within the
 * first MAX_TITLE_LINES records; if none comes, the first record is the header, as for any file.
 */
export const MAX_TITLE_LINES = 10;

export function isTitleLine(fields: readonly string[]): boolean {
  let filled = 0;
  for (const field of fields) if (field.trim() !== '' && ++filled > 1) return false;
  return true;
}

/** The warning for the title lines skipped above a header (one line per title, as found). */
export function titleLinesWarning(titles: readonly { line: number; fields: string[] }[]): string {
  const text = titles.map(
    ({ fields }) => `"${fields.find((field) => field.trim() !== '')?.trim() ?? ''}"`,
  );
  const lines =
    titles.length === 1
      ? `line ${titles[0]!.line}`
      : `lines ${titles[0]!.line}–${titles[titles.length - 1]!.line}`;
  return `Skipped ${titles.length === 1 ? 'a title line' : `${titles.length} title lines`} above the header (${lines}): ${text.join(', ')}`;
}
