import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { importsRouter } from './imports/router.ts';
import { productsRouter } from './products/router.ts';
import { router } from './trpc.ts';
import { webhooksRouter } from './webhooks/router.ts';

export const appRouter = router({
  products: productsRouter,
  imports: importsRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
