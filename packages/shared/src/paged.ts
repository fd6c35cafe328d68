import { z } from 'zod';

/** One page of a list, as every paged procedure returns it: `{ items, total, page, pageSize }`. */
export function zPaged<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}
