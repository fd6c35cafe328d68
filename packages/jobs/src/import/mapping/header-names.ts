import { distance } from 'fastest-levenshtein';

/**
 * Header names compared as people mean them: accents, letter case, punctuation, spacing and
 * camelCase ignored, so `Artikel-Nr.`, `artikel nr` and `ArtikelNr` are the same words.
 */
export function headerWords(name: string): string[] {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u);
  return words.filter((word) => word !== '');
}

/** The words of a header name run together: `Item-Code` and `item code` are both `itemcode`. */
export const headerKey = (name: string): string => headerWords(name).join('');

/** 1 for equal strings, falling towards 0 with each edit (Levenshtein) relative to the longer. */
export function editSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - distance(a, b) / longer;
}

/**
 * How much two names share when their words are compared one by one (each word to its closest
 * in the other name, by edit similarity): `Prodcut name` ≈ `product name`, while
 * `Variant SKU` only half matches `SKU`. Symmetric, 0..1.
 */
export function wordSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const best = (word: string, others: readonly string[]) =>
    Math.max(...others.map((other) => editSimilarity(word, other)));
  let sum = 0;
  for (const word of a) sum += best(word, b);
  for (const word of b) sum += best(word, a);
  return sum / (a.length + b.length);
}
