import { mutationOptions, queryOptions } from '@tanstack/solid-query';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@acme/api/client-types';

/** A vanilla client procedure: `client.products.list` has `.query(input, { signal })`. */
interface QueryProcedure<TInput, TOutput> {
  query: (input: TInput, opts?: { signal?: AbortSignal }) => Promise<TOutput>;
}
interface MutationProcedure<TInput, TOutput> {
  mutate: (input: TInput) => Promise<TOutput>;
}

/**
 * solid-query options for a tRPC query: the key is the procedure path plus its input, so
 * `invalidateQueries({ queryKey: ['products'] })` refreshes every products query.
 */
export function trpcQuery<TInput, TOutput>(
  path: readonly [string, string],
  procedure: QueryProcedure<TInput, TOutput>,
  input: TInput,
) {
  return queryOptions({
    queryKey: [...path, input] as const,
    queryFn: ({ signal }) => procedure.query(input, { signal }),
  });
}

export function trpcMutation<TInput, TOutput>(procedure: MutationProcedure<TInput, TOutput>) {
  return mutationOptions<TOutput, ApiError, TInput>({
    mutationFn: (input) => procedure.mutate(input),
  });
}

export type ApiError = TRPCClientError<AppRouter>;

/** What to show a user for any failure: the server's message, or a plain word for network trouble. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (!error.data && /fetch|network/i.test(error.message))
      return 'Cannot reach the server. Check your connection and try again.';
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** Per-field validation messages from a BAD_REQUEST (`data.fieldErrors`), else an empty map. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const data = (error as ApiError).data;
  const fields = data && 'fieldErrors' in data ? data.fieldErrors : null;
  if (!fields) return {};
  return Object.fromEntries(
    Object.entries(fields).map(([field, messages]) => [field, messages[0] ?? 'invalid']),
  );
}

export function errorCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error as ApiError).data?.code : undefined;
}
