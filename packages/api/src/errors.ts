import { TRPCError } from '@trpc/server';

export function notFound(what: string, id: number | string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `${what} ${id} does not exist` });
}
