import { z } from 'zod';
import {
  ZDeleteAllInput,
  ZDeleteAllOutput,
  ZProduct,
  ZProductCreateInput,
  ZProductId,
  ZProductListInput,
  ZProductUpdateInput,
} from '@acme/shared';
import { publicProcedure, router } from '../trpc.ts';
import { listProducts } from './list-products.ts';
import {
  createProduct,
  deleteAllProducts,
  deleteProduct,
  getProduct,
  updateProduct,
} from './write-products.ts';

const ZById = z.object({ id: ZProductId });

export const productsRouter = router({
  // No `.output()`: listProducts checks each answer against ZProductListOutput once, when it is
  // computed; the cached answer is then served as it is (and serialized once, see trpc.ts).
  list: publicProcedure
    .input(ZProductListInput)
    .query(({ ctx, input }) => listProducts({ sql: ctx.sql, cache: ctx.productList }, input)),
  byId: publicProcedure
    .input(ZById)
    .output(ZProduct)
    .query(({ ctx, input }) => getProduct(ctx.db, input.id)),
  create: publicProcedure
    .input(ZProductCreateInput)
    .output(ZProduct)
    .mutation(({ ctx, input }) => createProduct(ctx.sql, input)),
  update: publicProcedure
    .input(ZProductUpdateInput)
    .output(ZProduct)
    .mutation(({ ctx, input }) => updateProduct(ctx.sql, input)),
  delete: publicProcedure
    .input(ZById)
    .output(ZProduct)
    .mutation(({ ctx, input }) => deleteProduct(ctx.sql, input.id)),
  deleteAll: publicProcedure
    .input(ZDeleteAllInput)
    .output(ZDeleteAllOutput)
    .mutation(({ ctx }) => deleteAllProducts(ctx.sql)),
});
