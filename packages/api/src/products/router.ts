import { z } from 'zod';
import {
  ZDeleteAllInput,
  ZDeleteAllOutput,
  ZProduct,
  ZProductCreateInput,
  ZProductId,
  ZProductListInput,
  ZProductListOutput,
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
  list: publicProcedure
    .input(ZProductListInput)
    .output(ZProductListOutput)
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
