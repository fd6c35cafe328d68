export { appRouter, type AppRouter, type RouterInputs, type RouterOutputs } from './router.ts';
export type { Caller, Context, ContextServices } from './context.ts';
export { createCallerFactory } from './trpc.ts';
export { ProductListCache } from './products/list-cache.ts';
export { API_LIMITS } from './limits.ts';
