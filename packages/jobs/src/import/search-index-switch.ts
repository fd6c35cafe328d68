import { dropSearchIndexes, SEARCH_INDEX_BUILD_LOCK, type Sql } from '@acme/db';

/**
 * Drops the list's indexes before a large write (catalogue:maintain rebuilds them after commit),
 * unless a rebuild is under way: dropping then would deadlock with `create index concurrently`
 * (each waits for the other), so the write keeps whatever indexes exist. Returns whether it
 * dropped them.
 */
export async function dropSearchIndexesUnlessRebuilding(sql: Sql): Promise<boolean> {
  const connection = await sql.reserve();
  try {
    const [lock] = await connection<{ locked: boolean }[]>`
      select pg_try_advisory_lock(${SEARCH_INDEX_BUILD_LOCK}::bigint) as locked`;
    if (!lock?.locked) return false;
    try {
      await dropSearchIndexes(connection);
      return true;
    } finally {
      await connection`select pg_advisory_unlock(${SEARCH_INDEX_BUILD_LOCK}::bigint)`;
    }
  } finally {
    connection.release();
  }
}
