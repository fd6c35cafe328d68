import type { ProductListInput } from '../api/routers.ts';

type Filter = Pick<ProductListInput, 'sku' | 'name' | 'description' | 'active'>;

/** `GET /api/products.csv` for a filter: every match, streamed by the server (any size). */
export function exportUrl(baseUrl: string, filter: Filter): string {
  const params = new URLSearchParams();
  for (const key of ['sku', 'name', 'description'] as const) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  if (filter.active !== undefined) params.set('active', String(filter.active));
  const query = params.toString();
  return `${baseUrl}/api/products.csv${query ? `?${query}` : ''}`;
}
