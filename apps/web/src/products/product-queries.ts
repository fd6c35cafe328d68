import type { ApiClient } from '@acme/api/client';
import { trpcQuery } from '../api/query.ts';
import { productsClient, type ProductListInput } from '../api/routers.ts';

export const PRODUCTS_KEY = ['products'] as const;

export const productListQuery = (client: ApiClient, input: ProductListInput) =>
  trpcQuery(['products', 'list'], productsClient(client).list, input);
