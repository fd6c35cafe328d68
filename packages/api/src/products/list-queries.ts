import { asDate, type Sql } from '@acme/db';
import type { TProduct, TProductListQuery, TProductSort } from '@acme/shared';
import type { ListCursor } from './list-cursor.ts';

/**
 * The SQL behind products.list (what each statement does, with EXPLAIN output before and after:
 * docs/performance.md). Statements are unnamed (planned with their actual values): a LIKE pattern
 * decides between the trigram index and walking a sort index, which a generic plan cannot see.
 */

/** Collects parameters while a statement's text is built. */
class Params {
  readonly values: (string | number | boolean)[] = [];
  add(value: string | number | boolean, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

/** `%`, `_` and `\` in a user's filter are literal characters, not LIKE wildcards. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The parts of a query that decide which products match. */
export type ListFilters = Pick<TProductListQuery, 'sku' | 'name' | 'description' | 'active'>;

export function hasTextFilter(filters: ListFilters): boolean {
  return Boolean(filters.sku || filters.name || filters.description);
}

/** A `where` clause selecting what the filters match, and its parameters (`$1`…). */
export function filterWhere(filters: ListFilters): { where: string; values: Params['values'] } {
  const params = new Params();
  return { where: whereClause(filters, params), values: params.values };
}

function whereClause(filters: ListFilters, params: Params, extra: string[] = []): string {
  const conditions: string[] = [];
  if (filters.sku) conditions.push(`sku ilike ${params.add(containsPattern(filters.sku))}`);
  if (filters.name) conditions.push(`name ilike ${params.add(containsPattern(filters.name))}`);
  if (filters.description) {
    conditions.push(`description ilike ${params.add(containsPattern(filters.description))}`);
  }
  if (filters.active !== undefined) conditions.push(`active = ${params.add(filters.active)}`);
  conditions.push(...extra);
  return conditions.length ? `where ${conditions.join(' and ')}` : '';
}

/**
 * The sort key of each order: a column (or expression) with a btree behind it, and whether it is
 * unique on its own; otherwise the id breaks ties so that pages never overlap or skip rows.
 */
const SORT_KEYS: Record<
  TProductSort['field'],
  { expr: (alias: string) => string; unique: boolean; type: string }
> = {
  id: { expr: (t) => `${t}id`, unique: true, type: 'bigint' },
  // Ids are assigned in creation order, and every row of one import shares its created_at.
  createdAt: { expr: (t) => `${t}id`, unique: true, type: 'bigint' },
  // The unique index on lower(sku) is the SKU's identity, so it orders without a tie-breaker.
  sku: { expr: (t) => `lower(${t}sku)`, unique: true, type: 'text' },
  name: { expr: (t) => `${t}name`, unique: false, type: 'text' },
  active: { expr: (t) => `${t}active`, unique: false, type: 'boolean' },
  updatedAt: { expr: (t) => `${t}updated_at`, unique: false, type: 'timestamptz' },
};

export const DEFAULT_SORT: TProductSort = { field: 'id', direction: 'asc' };

/** The sort key of one row source: the table (alias '' or 'p.'), or a CTE's column `keyColumn`. */
function keyOf(sort: TProductSort, alias: string, keyColumn?: string) {
  const { expr, unique, type } = SORT_KEYS[sort.field];
  return { expr: keyColumn ?? expr(alias), unique, type, id: `${alias}id` };
}

function orderBy(sort: TProductSort, reverse: boolean, alias = '', keyColumn?: string): string {
  const key = keyOf(sort, alias, keyColumn);
  const ascending = (sort.direction === 'asc') !== reverse;
  const direction = ascending ? 'asc' : 'desc';
  return key.unique
    ? `${key.expr} ${direction}`
    : `${key.expr} ${direction}, ${key.id} ${direction}`;
}

/** Rows strictly after (or before) the cursor's row in the sort order. */
function seekCondition(
  cursor: ListCursor,
  towards: 'after' | 'before',
  params: Params,
  keyColumn?: string,
): string {
  const key = keyOf(cursor.sort, '', keyColumn);
  const ascending = cursor.sort.direction === 'asc';
  const operator = ascending === (towards === 'after') ? '>' : '<';
  const value = params.add(cursor.key, key.type);
  if (key.unique) return `${key.expr} ${operator} ${value}`;
  return `(${key.expr}, ${key.id}) ${operator} (${value}, ${params.add(cursor.id, 'bigint')})`;
}

export interface KeyedProduct extends TProduct {
  /** The row's sort key in the database's text form, for cursors. */
  key: string;
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  active: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  key: string;
}

const PRODUCT_COLUMNS = 'p.id, p.sku, p.name, p.description, p.active, p.created_at, p.updated_at';

function toProduct(row: ProductRow): KeyedProduct {
  return {
    id: Number(row.id),
    sku: row.sku,
    name: row.name,
    description: row.description,
    active: row.active,
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
    key: row.key,
  };
}

export interface PageRequest {
  filters: ListFilters;
  sort: TProductSort;
  limit: number;
  offset: number;
  /** Keyset paging: the rows after (or before) this cursor; the offset then counts from it. */
  seek?: { cursor: ListCursor; towards: 'after' | 'before' };
  /** Walk the order backwards (and flip the result): a page near the end skips fewer rows. */
  reverse?: boolean;
}

/**
 * How a page is found, when the planner's own choice is not good enough. It estimates LIKE
 * patterns from a sample of 100 values, so it can think a rare term common (and walk a whole
 * index to fill a page) or the other way round; the caller knows better from its own sample.
 * - `walk`: follow the sort index and test each row, stopping when the page is full; cheap when
 *   matches are dense, and capped at `walkRows` rows so a misjudged density costs a bounded time.
 * - `bitmap`: collect every match through the trigram indexes, then sort; cheap when few match.
 */
export type PagePlan =
  { kind: 'planner' } | { kind: 'walk'; walkRows: number } | { kind: 'bitmap' };

/** Planner settings of a plan kind, for this transaction only. */
const PLAN_SETTINGS = {
  bitmap: ['enable_seqscan', 'enable_indexscan', 'enable_indexonlyscan'],
  walk: ['enable_seqscan', 'enable_bitmapscan'],
} as const;

async function query<T extends object>(
  sql: Sql,
  plan: PagePlan['kind'],
  text: string,
  values: Params['values'],
): Promise<T[]> {
  if (plan === 'planner') return sql.unsafe<T[]>(text, values, { prepare: false });
  const settings = PLAN_SETTINGS[plan].map((name) => `set_config('${name}', 'off', true)`);
  // Pipelined: begin, then the settings and the statement in one round trip, then commit.
  const [, rows] = (await sql.begin((tx) => [
    tx.unsafe(`select ${settings.join(', ')}`),
    tx.unsafe<T[]>(text, values, { prepare: false }),
  ])) as [unknown, T[]];
  return rows;
}

/** The columns a walk must read to test and order a row. */
function walkColumns(filters: ListFilters, sort: TProductSort): string {
  const columns = new Set(['id']);
  for (const column of ['sku', 'name', 'description', 'active'] as const) {
    if (filters[column] !== undefined) columns.add(column);
  }
  columns.add(
    {
      id: 'id',
      createdAt: 'id',
      sku: 'sku',
      name: 'name',
      active: 'active',
      updatedAt: 'updated_at',
    }[sort.field],
  );
  return [...columns].join(', ');
}

/**
 * One page in sort order. A deferred join: the `offset` rows are skipped on the narrow sort index
 * (index-only when the visibility map allows), and only the page's rows are read in full.
 */
export async function pageRows(
  sql: Sql,
  request: PageRequest,
  plan: PagePlan = { kind: 'planner' },
): Promise<KeyedProduct[]> {
  const { filters, sort, limit, offset, seek } = request;
  // Before a cursor: walk towards it from the far side, nearest rows first, then flip.
  const reverse = Boolean(request.reverse) !== (seek?.towards === 'before');
  const params = new Params();
  const seekWhere = seek ? [seekCondition(seek.cursor, seek.towards, params)] : [];
  const order = orderBy(sort, reverse);
  const pageIds =
    plan.kind === 'walk'
      ? // The innermost LIMIT caps the rows walked; the filter then keeps the page's matches.
        `select id from (
           select ${walkColumns(filters, sort)} from products ${seekWhere.length ? `where ${seekWhere[0]}` : ''}
           order by ${order} limit ${params.add(plan.walkRows, 'bigint')}
         ) walked ${whereClause(filters, params)} order by ${order}`
      : `select id from products ${whereClause(filters, params, seekWhere)} order by ${order}`;
  const key = keyOf(sort, 'p.');
  const rows = await query<ProductRow>(
    sql,
    plan.kind,
    `select ${PRODUCT_COLUMNS}, (${key.expr})::text as key
     from (${pageIds} limit ${params.add(limit, 'bigint')} offset ${params.add(offset, 'bigint')}) page
     join products p on p.id = page.id
     order by ${orderBy(sort, reverse, 'p.')}`,
    params.values,
  );
  const products = rows.map(toProduct);
  return reverse ? products.reverse() : products;
}

export interface BoundedMatches {
  /** Matching products, counted up to `bound + 1`. */
  matches: number;
  /** When `matches <= bound`: the page's products, in order. */
  page: KeyedProduct[];
}

/**
 * Counts the matches up to `bound + 1` through the trigram indexes (bitmap scans forced: with a
 * LIMIT the planner would rather walk an index or the table, for ever if it overestimated the
 * term), and when there are no more than `bound`, sorts them and returns the page too. The cost
 * is the index lookup plus at most `bound` row visits, whatever the term.
 */
export async function boundedMatches(
  sql: Sql,
  request: PageRequest & { bound: number },
): Promise<BoundedMatches> {
  const { filters, sort, limit, offset, seek, bound } = request;
  const reverse = seek?.towards === 'before';
  const params = new Params();
  const where = whereClause(filters, params);
  const seekWhere = seek ? `where ${seekCondition(seek.cursor, seek.towards, params, 'k')}` : '';
  const [found] = await query<{ matches: number; ids: string[] }>(
    sql,
    'bitmap',
    `with m as materialized (
       select id, ${SORT_KEYS[sort.field].expr('')} as k from products ${where}
       limit ${params.add(bound + 1, 'bigint')}
     )
     select (select count(*) from m)::int as matches,
       array(select id from m ${seekWhere} order by ${orderBy(sort, reverse, '', 'k')}
         limit ${params.add(limit, 'bigint')} offset ${params.add(offset, 'bigint')})::text[] as ids`,
    params.values,
  );
  const matches = found?.matches ?? 0;
  const ids = found?.ids ?? [];
  if (matches > bound || ids.length === 0) return { matches, page: [] };
  const rows = await sql.unsafe<ProductRow[]>(
    `select ${PRODUCT_COLUMNS}, (${keyOf(sort, 'p.').expr})::text as key
     from products p where p.id = any($1::bigint[])`,
    [`{${ids.join(',')}}`],
    { prepare: false },
  );
  const position = new Map(ids.map((id, index) => [id, index]));
  rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
  const products = rows.map(toProduct);
  return { matches, page: reverse ? products.reverse() : products };
}

/** Every match counted (what `exactTotal` asks for): visits each matching row. */
export async function countMatches(sql: Sql, filters: ListFilters): Promise<number> {
  const params = new Params();
  const [row] = await sql.unsafe<{ n: number }[]>(
    `select count(*)::int as n from products ${whereClause(filters, params)}`,
    params.values,
    { prepare: false },
  );
  return row?.n ?? 0;
}

/**
 * The share of products matching, from a sample of whole table pages (TABLESAMPLE SYSTEM, a fixed
 * seed so that the same catalogue gives the same figure): unbiased wherever the matches sit in the
 * table, and its cost is the sample's size, not the number of matches. `percent` of 100 reads the
 * whole table, which makes the count exact.
 */
export async function sampleMatches(
  sql: Sql,
  filters: ListFilters,
  percent: number,
): Promise<{ hits: number; rows: number }> {
  const params = new Params();
  const condition = whereClause(filters, params).replace(/^where /, '') || 'true';
  const [row] = await sql.unsafe<{ hits: number; rows: number }[]>(
    `select (count(*) filter (where ${condition}))::int as hits, count(*)::int as rows
     from products tablesample system (${percent.toFixed(4)}) repeatable (0)`,
    params.values,
    { prepare: false },
  );
  return row ?? { hits: 0, rows: 0 };
}
