const UNIQUE_VIOLATION = '23505';

interface PgErrorLike {
  code?: unknown;
  constraint_name?: unknown;
  cause?: unknown;
}

/** Finds the Postgres error under drizzle's wrapper (or a postgres.js error itself), if any. */
function findPgError(error: unknown): PgErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as PgErrorLike;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code))
      return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** A unique violation, of `constraint` when one is named. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = findPgError(error);
  return (
    pg?.code === UNIQUE_VIOLATION && (constraint === undefined || pg.constraint_name === constraint)
  );
}

/** A statement named a table that does not exist (42P01), e.g. staging tables dropped meanwhile. */
export function isUndefinedTable(error: unknown): boolean {
  return findPgError(error)?.code === '42P01';
}
