import { z } from 'zod';
import {
  ZDeleteAllInput,
  ZDeleteAllOutput,
  ZDeleteOutput,
  ZProduct,
  ZProductCreateInput,
  ZProductDeleteManyInput,
  ZProductDeleteManyOutput,
  ZProductId,
  ZProductListInput,
  ZProductUpdateInput,
  ZRestoreInput,
  ZRestoreOutput,
  ZUndoWindow,
  ZProductUpdateManyInput,
  ZProductUpdateManyOutput,
} from '@acme/shared';
import { publicProcedure, router } from '../trpc.ts';
import { deleteManyProducts, updateManyProducts } from './bulk-products.ts';
import { listProducts } from './list-products.ts';
import { restoreProducts } from './restore-products.ts';
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
    .output(ZDeleteOutput)
    .mutation(({ ctx, input }) => deleteProduct(ctx.sql, input.id, ctx.config.IMPORT_UNDO_DAYS)),
  /** Sets `active` on products picked by id, or on every product a filter matches. */
  updateMany: publicProcedure
    .input(ZProductUpdateManyInput)
    .output(ZProductUpdateManyOutput)
    .mutation(({ ctx, input }) => updateManyProducts(ctx.sql, input)),
  /** Deletes products picked by id, or every product a (narrowing) filter matches; restorable. */
  deleteMany: publicProcedure
    .input(ZProductDeleteManyInput)
    .output(ZProductDeleteManyOutput)
    .mutation(({ ctx, input }) => deleteManyProducts(ctx.sql, input, ctx.config.IMPORT_UNDO_DAYS)),
  deleteAll: publicProcedure
    .input(ZDeleteAllInput)
    .output(ZDeleteAllOutput)
    .mutation(({ ctx }) => deleteAllProducts(ctx.sql, ctx.config.IMPORT_UNDO_DAYS)),
  restore: publicProcedure
    .input(ZRestoreInput)
    .output(ZRestoreOutput)
    .mutation(({ ctx, input }) => restoreProducts(ctx.sql, input.restoreId)),
  /** For how many days a delete can be undone (the delete-all dialog says it). */
  undoWindow: publicProcedure
    .output(ZUndoWindow)
    .query(({ ctx }) => ({ days: ctx.config.IMPORT_UNDO_DAYS })),
});
