import type { CatalogueState, Sql } from '@acme/db';
import {
  ZProductListOutput,
  type TProduct,
  type TProductListOutput,
  type TProductListQuery,
} from '@acme/shared';
import { decodeCursor, encodeCursor } from './list-cursor.ts';
import type { KnownTotal, ProductListCache } from './list-cache.ts';
import {
  boundedMatches,
  countMatches,
  DEFAULT_SORT,
  hasTextFilter,
  pageRows,
  sampleMatches,
  type KeyedProduct,
  type ListFilters,
  type PageRequest,
} from './list-queries.ts';

/**
 * A text filter's total is exact up to this many matches (counted through the trigram indexes in
 * about as many row visits); beyond it an exact count would visit every match (38k matches: 100+
 * ms), so the total is an estimate unless the caller asks for `exactTotal`.
 */
export const EXACT_TOTAL_UP_TO = 5_000;
/**
 * Rows in the sample behind an estimate: ±11% (1σ) at a 7% match rate, ±30% at 1% (the estimate
 * only says "about"; near EXACT_TOTAL_UP_TO the bounded count decides). ILIKE lowercases every
 * description it tests, so at 2,000 rows the sample was most of a cold description filter's time
 * (docs/performance.md).
 */
export const SAMPLE_ROWS = 1_000;

export interface ListDeps {
  sql: Sql;
  cache: ProductListCache;
}

/**
 * products.list. The catalogue's version and totals come first (one tiny query, shared by
 * concurrent requests); an answer the cache holds for that version is returned as it is,
 * everything else is computed and kept.
 */
export async function listProducts(
  deps: ListDeps,
  query: TProductListQuery,
): Promise<TProductListOutput> {
  const state = await deps.cache.state();
  // Checked once when computed rather than per request (as `.output()` would): one answer is
  // served many times.
  return deps.cache.page(state.version, requestKey(query), async () =>
    ZProductListOutput.parse(await answer(deps, state, query)),
  );
}

function filterKey(filters: ListFilters): string {
  return JSON.stringify([filters.sku, filters.name, filters.description, filters.active]);
}

function requestKey(query: TProductListQuery): string {
  const { page, pageSize, sort, exactTotal, after, before } = query;
  return JSON.stringify([
    filterKey(query),
    page,
    pageSize,
    sort?.field,
    sort?.direction,
    exactTotal,
    after,
    before,
  ]);
}

/** Three significant figures: an estimate should not look more precise than it is. */
function roundEstimate(value: number): number {
  return value < 1_000 ? Math.round(value) : Number(value.toPrecision(3));
}

async function answer(
  deps: ListDeps,
  state: CatalogueState,
  query: TProductListQuery,
): Promise<TProductListOutput> {
  const { sql, cache } = deps;
  const sort = query.sort ?? DEFAULT_SORT;
  const seek = query.after
    ? { cursor: decodeCursor(query.after, sort), towards: 'after' as const }
    : query.before
      ? { cursor: decodeCursor(query.before, sort), towards: 'before' as const }
      : undefined;
  // With a cursor the page starts at it; the page number then only labels the page.
  const offset = seek ? 0 : (query.page - 1) * query.pageSize;
  const request: PageRequest = { filters: query, sort, limit: query.pageSize, offset, seek };
  const output = (items: KeyedProduct[], known: KnownTotal): TProductListOutput => {
    const first = items[0];
    const last = items.at(-1);
    return {
      items: items.map(withoutKey),
      total: known.total,
      totalIsEstimate: known.estimate,
      page: query.page,
      pageSize: query.pageSize,
      nextCursor: last ? encodeCursor({ sort, key: last.key, id: last.id }) : null,
      prevCursor: first ? encodeCursor({ sort, key: first.key, id: first.id }) : null,
    };
  };

  if (!hasTextFilter(query)) {
    // The counters make these totals exact and free.
    const total =
      query.active === undefined
        ? state.total
        : query.active
          ? state.active
          : state.total - state.active;
    return output(await unfilteredPage(sql, request, total), { total, estimate: false });
  }

  const filters = filterKey(query);
  let known = cache.total(state.version, filters);
  if (!known) {
    // A sample says roughly how many match; up to EXACT_TOTAL_UP_TO they are counted outright,
    // through the trigram indexes, and the page comes from the same visit.
    const sampled = await sampleTotal(sql, query, state.total);
    if (!sampled.estimate || sampled.total > EXACT_TOTAL_UP_TO) {
      known = sampled;
    } else {
      const bounded = await boundedMatches(sql, { ...request, bound: EXACT_TOTAL_UP_TO });
      if (bounded.matches <= EXACT_TOTAL_UP_TO) {
        const exact = { total: bounded.matches, estimate: false };
        cache.rememberTotal(state.version, filters, exact);
        return output(bounded.page, exact);
      }
      known = { total: roundEstimate(EXACT_TOTAL_UP_TO + 1), estimate: true };
    }
  }
  if (query.exactTotal && known.estimate) {
    known = { total: await countMatches(sql, query), estimate: false };
  }

  let items: KeyedProduct[];
  if (!known.estimate && known.total <= EXACT_TOTAL_UP_TO) {
    items = (await boundedMatches(sql, { ...request, bound: EXACT_TOTAL_UP_TO })).page;
  } else {
    items = await manyMatchesPage(sql, request, known.total, state.total);
  }
  if (known.estimate && !seek) {
    if (items.length > 0 && items.length < query.pageSize) {
      known = { total: offset + items.length, estimate: false }; // the last page: now it is known
    } else if (items.length === 0 && offset > 0) {
      known = { total: await countMatches(sql, query), estimate: false }; // past the end
    } else {
      known = { total: Math.max(known.total, offset + items.length), estimate: true };
    }
  }
  cache.rememberTotal(state.version, filters, known);
  return output(items, known);
}

/**
 * A page of a filter with many matches. Walking the sort index visits about (offset + page) /
 * share rows; collecting every match through the trigram indexes visits each match once. The
 * cheaper one wins. A walk is capped at 4× its expected length: if the matches sit away from the
 * page's end of the order (a supplier's old SKUs, sorted newest first), it falls back to the
 * bitmap rather than walk the whole table.
 */
async function manyMatchesPage(
  sql: Sql,
  request: PageRequest,
  matches: number,
  tableRows: number,
): Promise<KeyedProduct[]> {
  const share = Math.min(1, matches / Math.max(tableRows, 1));
  const walkRows = (request.offset + request.limit) / Math.max(share, 1e-9);
  if (walkRows < matches) {
    const walked = await pageRows(sql, request, {
      kind: 'walk',
      walkRows: Math.ceil(4 * walkRows + 1_000),
    });
    if (walked.length === request.limit) return walked;
  }
  return pageRows(sql, request, { kind: 'bitmap' });
}

/**
 * A page without text filter. Its total is exact, so a page past the middle is read from the
 * other end: page 8,000 of 10,000 skips 100k index entries instead of 400k.
 */
function unfilteredPage(sql: Sql, request: PageRequest, total: number): Promise<KeyedProduct[]> {
  const { offset, limit, seek } = request;
  if (seek || offset + limit / 2 <= total / 2) return pageRows(sql, request);
  const remaining = total - offset;
  if (remaining <= 0) return Promise.resolve([]);
  return pageRows(sql, {
    ...request,
    reverse: true,
    offset: Math.max(0, remaining - limit),
    limit: Math.min(limit, remaining),
  });
}

/** How many products match, from a sample of the table; exact when the table is small. */
async function sampleTotal(sql: Sql, filters: ListFilters, tableRows: number): Promise<KnownTotal> {
  const percent = (100 * SAMPLE_ROWS) / Math.max(tableRows, 1);
  if (percent < 100) {
    const { hits, rows } = await sampleMatches(sql, filters, percent);
    if (rows > 0) return { total: roundEstimate((tableRows * hits) / rows), estimate: true };
  }
  // A catalogue this small is counted outright.
  return { total: await countMatches(sql, filters), estimate: false };
}

function withoutKey({ key: _key, ...product }: KeyedProduct): TProduct {
  return product;
}
