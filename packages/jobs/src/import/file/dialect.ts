import { MAX_TITLE_LINES } from './title-lines.ts';

/** How a delimited file is written: what the parser needs to know before its first byte. */
export interface Dialect {
  /** `,` `;` tab or `|` (sniffed), or whatever an Excel `sep=` line names. */
  delimiter: string;
  /** Quotes inside quoted fields are escaped as `\"` (and backslashes as `\\`), not doubled. */
  backslashEscapes: boolean;
  /** The first line is Excel's `sep=;` line, which is not a record. */
  sepLine: boolean;
}

export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** How the dashboard and messages name a delimiter. */
export function delimiterLabel(delimiter: string): string {
  switch (delimiter) {
    case ',':
      return 'comma';
    case ';':
      return 'semicolon';
    case '\t':
      return 'tab';
    case '|':
      return 'pipe';
    default:
      return `"${delimiter}"`;
  }
}

/** Records looked at to sniff the delimiter. */
const SNIFF_RECORDS = 50;
const SEP_LINE = /^"?sep=([^\r\n"])"?[^\r\n]*(\r\n|\n|\r|$)/i;

/**
 * Sniffs the dialect from the start of a file (`head`: its first ~64 KiB as latin1 text, any BOM
 * removed; `complete` when that is the whole file). An Excel `sep=` first line wins. Otherwise
 * each candidate splits the header and the first records, outside quotes; the one that splits the
 * header into two or more fields and the records into as many, most consistently, wins (a
 * semicolon file with decimal commas splits consistently only on `;`); title lines that no
 * delimiter splits ("Price list 2026") are looked past. A file with one column
 * gets `,`. Backslash escapes are assumed only when they make the head parse cleanly and
 * doubled quotes do not.
 */
export function sniffDialect(head: string, complete: boolean): Dialect {
  const sep = SEP_LINE.exec(head);
  const body = sep ? head.slice(sep[0].length) : head;
  const delimiter = sep?.[1] ?? sniffDelimiter(body, complete);
  const backslashEscapes =
    body.includes('\\"') &&
    strayQuotes(body, delimiter, false) > 0 &&
    strayQuotes(body, delimiter, true) === 0;
  return { delimiter, backslashEscapes, sepLine: sep !== null };
}

function sniffDelimiter(text: string, complete: boolean): string {
  const scans = DELIMITERS.map(
    (delimiter) => [delimiter, scan(text, delimiter, false, complete).widths] as const,
  );
  // The header is the first line; when no delimiter splits it, it is a title line above the
  // header (title-lines.ts): then each delimiter's header is the first line it splits.
  // Below title lines every record counts: a comma in a title must not make `,` look consistent.
  const best = pickDelimiter(scans, () => 0, 2) ?? pickDelimiter(scans, firstSplitLine, 1);
  return best ?? ',';
}

const firstSplitLine = (widths: readonly number[]) =>
  widths.slice(0, MAX_TITLE_LINES + 1).findIndex((fields) => fields >= 2);

/**
 * The delimiter that splits its header line into two or more fields and the records after it into
 * as many, most consistently (then the widest); undefined when none splits its header.
 */
function pickDelimiter(
  scans: readonly (readonly [string, readonly number[]])[],
  headerLine: (widths: readonly number[]) => number,
  /** Records split into fewer fields are left out of the comparison. */
  minFields: number,
): string | undefined {
  let best: { delimiter: string; consistency: number; width: number } | undefined;
  for (const [delimiter, widths] of scans) {
    const start = headerLine(widths);
    const width = start === -1 ? 1 : (widths[start] ?? 1);
    if (width < 2) continue;
    const rows = widths.slice(start + 1).filter((fields) => fields >= minFields);
    const consistency =
      rows.length === 0 ? 1 : rows.filter((fields) => fields === width).length / rows.length;
    if (
      !best ||
      consistency > best.consistency ||
      (consistency === best.consistency && width > best.width)
    )
      best = { delimiter, consistency, width };
  }
  return best?.delimiter;
}

function strayQuotes(text: string, delimiter: string, backslash: boolean): number {
  return scan(text, delimiter, backslash, false).strays;
}

/**
 * Splits `text` into records the way the import reads them (quotes open a field only at its
 * start, `""` or `\"` escape), counting each record's fields and the quotes inside quoted
 * fields that are neither escaped nor followed by a delimiter or line end.
 */
function scan(
  text: string,
  delimiter: string,
  backslash: boolean,
  complete: boolean,
): { widths: number[]; strays: number } {
  const widths: number[] = [];
  let strays = 0;
  let fields = 1;
  let fieldStart = true;
  let quoted = false;
  for (let i = 0; i < text.length && widths.length < SNIFF_RECORDS; i++) {
    const c = text[i];
    if (quoted) {
      if (backslash && c === '\\') i++;
      else if (c === '"') {
        const next = text[i + 1];
        if (!backslash && next === '"') i++;
        else if (next === undefined || next === delimiter || next === '\n' || next === '\r')
          quoted = false;
        else {
          strays++;
          quoted = false;
        }
      }
      continue;
    }
    if (c === delimiter) {
      fields++;
      fieldStart = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      widths.push(fields);
      fields = 1;
      fieldStart = true;
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c !== ' ') fieldStart = false;
  }
  if (complete && !quoted && widths.length < SNIFF_RECORDS) widths.push(fields);
  return { widths, strays };
}
