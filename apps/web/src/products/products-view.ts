import {
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  PRODUCT_SORT_FIELDS,
  type TProductSort,
} from '@acme/shared';

export type ActiveFilter = 'all' | 'active' | 'inactive';
export const PAGE_SIZES = [10, 25, 50, 100, PAGE_SIZE_MAX];

/** What the products page shows: kept in the URL, so a reload or a shared link shows the same. */
export interface ProductsView {
  sku: string;
  name: string;
  description: string;
  active: ActiveFilter;
  page: number;
  pageSize: number;
  sort: TProductSort;
}

export const DEFAULT_SORT: TProductSort = { field: 'updatedAt', direction: 'desc' };

type Params = Partial<Record<string, string | string[]>>;

const first = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

function parseSort(value: string | undefined): TProductSort {
  const [field, direction] = (value ?? '').split(':');
  const known = (PRODUCT_SORT_FIELDS as readonly string[]).includes(field ?? '');
  if (!known || (direction !== 'asc' && direction !== 'desc')) return DEFAULT_SORT;
  return { field: field as TProductSort['field'], direction };
}

function parsePositive(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return Number.isInteger(number) && number >= 1 ? number : fallback;
}

/** Reads the view from search params; anything missing or malformed falls back to the default. */
export function readView(params: Params): ProductsView {
  const active = first(params['active']);
  const pageSize = parsePositive(first(params['pageSize']), PAGE_SIZE_DEFAULT);
  return {
    sku: first(params['sku']) ?? '',
    name: first(params['name']) ?? '',
    description: first(params['description']) ?? '',
    active: active === 'active' || active === 'inactive' ? active : 'all',
    page: parsePositive(first(params['page']), 1),
    pageSize: PAGE_SIZES.includes(pageSize) ? pageSize : PAGE_SIZE_DEFAULT,
    sort: parseSort(first(params['sort'])),
  };
}

/** The search params for a view; defaults are left out (undefined removes a param). */
export function viewParams(view: ProductsView): Record<string, string | undefined> {
  const sort = `${view.sort.field}:${view.sort.direction}`;
  return {
    sku: view.sku || undefined,
    name: view.name || undefined,
    description: view.description || undefined,
    active: view.active === 'all' ? undefined : view.active,
    page: view.page === 1 ? undefined : String(view.page),
    pageSize: view.pageSize === PAGE_SIZE_DEFAULT ? undefined : String(view.pageSize),
    sort: sort === `${DEFAULT_SORT.field}:${DEFAULT_SORT.direction}` ? undefined : sort,
  };
}
