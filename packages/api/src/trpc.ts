import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import type { Context } from './context.ts';

/**
 * Validation failures answer BAD_REQUEST whose message is the first field's own message
 * ("sku is required"), with every field's messages under `data.fieldErrors` for forms.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  if (!field || issue.message.toLowerCase().includes(field.split('.').at(-1)!.toLowerCase())) {
    return issue.message;
  }
  return `${field}: ${issue.message}`;
}

/**
 * superjson (dates stay Dates on the client), serializing a frozen result only once: a frozen
 * object is one the server shares between requests (products.list's cached answers), and walking
 * it with superjson was the largest part of a cached list request's CPU time.
 */
const serializedOnce = new WeakMap<object, ReturnType<typeof superjson.serialize>>();
const transformer = {
  input: superjson,
  output: {
    serialize(value: unknown) {
      if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) {
        return superjson.serialize(value);
      }
      let serialized = serializedOnce.get(value);
      if (!serialized) serializedOnce.set(value, (serialized = superjson.serialize(value)));
      return serialized;
    },
    deserialize: (value: Parameters<typeof superjson.deserialize>[0]) =>
      superjson.deserialize(value),
  },
};

const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape, error }) {
    if (!(error.cause instanceof z.ZodError))
      return { ...shape, data: { ...shape.data, fieldErrors: null } };
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of error.cause.issues) {
      const field = issue.path.map(String).join('.') || '_';
      (fieldErrors[field] ??= []).push(issue.message);
    }
    const first = error.cause.issues[0];
    return {
      ...shape,
      message: first ? describeIssue(first) : shape.message,
      data: { ...shape.data, fieldErrors },
    };
  },
});

/** With access control on (ADMIN_PASSWORD or API_TOKENS), a caller needs a session or a token. */
const requireCaller = t.middleware(function requireCaller({ ctx, next }) {
  if (ctx.authRequired && ctx.caller.kind === 'anonymous') {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'Sign in, or send an API token (Authorization: Bearer …)',
    });
  }
  return next();
});

export const router = t.router;
/**
 * The base of every procedure of the public API. It carries the access check, so a router built
 * on it is protected without further work; there is deliberately no unchecked procedure.
 */
export const publicProcedure = t.procedure.use(requireCaller);
export const createCallerFactory = t.createCallerFactory;
