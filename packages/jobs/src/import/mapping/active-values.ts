/**
 * Words an `active` cell may hold, compared trimmed and lower-cased: yes/no, true/false, 1/0 and
 * their equivalents in the aliases' languages; the states shops export (Shopify
 * `active`/`draft`/`archived`, WooCommerce `1`/`0`/`-1` for published/private/draft).
 */
const TRUE_WORDS = [
  'true',
  '1',
  'yes',
  'y',
  'on',
  'active',
  'enabled',
  'published',
  'publish',
  'visible',
  // German, French, Spanish, Italian, Dutch, Portuguese
  'ja',
  'j',
  'wahr',
  'aktiv',
  'oui',
  'o',
  'vrai',
  'actif',
  'sí',
  'si',
  's',
  'verdadero',
  'activo',
  'vero',
  'attivo',
  'waar',
  'actief',
  'sim',
  'ativo',
];
const FALSE_WORDS = [
  'false',
  '0',
  '-1',
  'no',
  'n',
  'off',
  'inactive',
  'disabled',
  'draft',
  'archived',
  'private',
  'unpublished',
  'hidden',
  'nein',
  'falsch',
  'inaktiv',
  'non',
  'faux',
  'inactif',
  'falso',
  'inactivo',
  'inattivo',
  'nee',
  'onwaar',
  'inactief',
  'não',
  'nao',
  'inativo',
];

/** The words every import understands. */
export const ACTIVE_WORDS: ReadonlyMap<string, boolean> = new Map([
  ...TRUE_WORDS.map((word) => [word, true] as const),
  ...FALSE_WORDS.map((word) => [word, false] as const),
]);

/** A cell value as the lookup compares it. */
export const activeKey = (value: string): string => value.trim().toLowerCase();

/**
 * The words every import understands plus the values a user mapped by hand (which win when they
 * name the same word differently), as one map: one lookup per row.
 */
export function activeValueMap(
  byHand: Readonly<Record<string, boolean>> | undefined,
): ReadonlyMap<string, boolean> {
  if (!byHand || Object.keys(byHand).length === 0) return ACTIVE_WORDS;
  const merged = new Map(ACTIVE_WORDS);
  for (const [value, active] of Object.entries(byHand)) merged.set(activeKey(value), active);
  return merged;
}
