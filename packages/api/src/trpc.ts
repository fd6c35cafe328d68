import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import { AppError, internalErrorMessage } from '@acme/shared';
import type { Context } from './context.ts';
import { API_LIMITS } from './limits.ts';

/**
 * Validation failures answer BAD_REQUEST whose message is the first field's own message
 * ("sku is required"), with the first fields' messages under `data.fieldErrors` for forms.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  if (!field || issue.message.toLowerCase().includes(field.split('.').at(-1)!.toLowerCase())) {
    return issue.message;
  }
  return `${field}: ${issue.message}`;
}

/** At most `maxReportedIssues` issues, so a hostile input cannot make a huge error answer. */
function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of issues.slice(0, API_LIMITS.maxReportedIssues)) {
    const field = issue.path.map(String).join('.') || '_';
    (fieldErrors[field] ??= []).push(issue.message);
  }
  const more = issues.length - API_LIMITS.maxReportedIssues;
  if (more > 0) (fieldErrors['_'] ??= []).push(`and ${more} more problems`);
  return fieldErrors;
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
  // Subscriptions run over the WebSocket only, where each socket's subscriptions are capped.
  sse: { enabled: false },
  errorFormatter({ shape, error, ctx }) {
    const { stack: _stack, ...data } = shape.data;
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // An unexpected error's text (SQL, paths, stack) stays in the log (the adapters' onError);
      // the client gets the request id that finds it there.
      const requestId = ctx?.requestId;
      return {
        ...shape,
        message: internalErrorMessage(requestId),
        data: { ...data, requestId: requestId ?? null, fieldErrors: null },
      };
    }
    if (!(error.cause instanceof z.ZodError))
      return { ...shape, data: { ...data, fieldErrors: null } };
    const first = error.cause.issues[0];
    return {
      ...shape,
      message: first ? describeIssue(first) : shape.message,
      data: { ...data, fieldErrors: fieldErrorsOf(error.cause.issues) },
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

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * A WebSocket's context carries its subscription slots: a subscription takes one for as long as
 * it runs, and one beyond `maxSubscriptionsPerSocket` is refused before it costs anything.
 */
const limitSubscriptions = t.middleware(async function limitSubscriptions({ ctx, type, next }) {
  const slots = ctx.subscriptionSlots;
  if (type !== 'subscription' || !slots) return next();
  if (slots.running >= API_LIMITS.maxSubscriptionsPerSocket) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `At most ${API_LIMITS.maxSubscriptionsPerSocket} subscriptions per connection; stop some first`,
    });
  }
  slots.running++;
  let released = false;
  const release = () => {
    if (!released) slots.running--;
    released = true;
  };
  try {
    const result = await next();
    if (!result.ok || !isAsyncIterable(result.data)) {
      release();
      return result;
    }
    const source = result.data;
    // A generator that never started skips its `finally`; the socket that holds it is closing
    // then, and its slots go with it.
    async function* releasing() {
      try {
        yield* source;
      } finally {
        release();
      }
    }
    return { ...result, data: releasing() };
  } catch (error) {
    release();
    throw error;
  }
});

/** The tRPC error for an AppError (thrown, or the cause of what tRPC caught); else `error` itself. */
function fromAppError(error: unknown): unknown {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (!(cause instanceof AppError)) return error;
  return new TRPCError({ code: cause.code, message: cause.message, cause });
}

/**
 * Domain code throws AppError; the client gets its code and message as they are, whether the
 * procedure threw it or a running subscription did. Anything else stays INTERNAL_SERVER_ERROR.
 */
const mapAppErrors = t.middleware(async function mapAppErrors({ next }) {
  const result = await next();
  if (!result.ok) {
    const mapped = fromAppError(result.error);
    if (mapped !== result.error) throw mapped;
    return result;
  }
  if (!isAsyncIterable(result.data)) return result;
  const source = result.data;
  async function* mapping() {
    try {
      yield* source;
    } catch (error) {
      throw fromAppError(error);
    }
  }
  return { ...result, data: mapping() };
});

export const router = t.router;
/**
 * The base of every procedure of the public API. It carries the access check, so a router built
 * on it is protected without further work; there is deliberately no unchecked procedure.
 */
export const publicProcedure = t.procedure
  .use(requireCaller)
  .use(limitSubscriptions)
  .use(mapAppErrors);
export const createCallerFactory = t.createCallerFactory;
