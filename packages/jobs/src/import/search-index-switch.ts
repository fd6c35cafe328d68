import {
  dropSearchIndexes,
  SEARCH_INDEX_BUILD_LOCK,
  SEARCH_INDEXES,
  searchIndexBuildStatement,
  type Sql,
} from '@acme/db';

/** How long a large write waits for a preempted rebuild to let go of the build lock. */
const PREEMPT_WAIT_MS = 30_000;

/**
 * Drops the list's indexes before a large write (catalogue:maintain rebuilds them after commit).
 * Dropping while an index builds would wait for the build (or deadlock with a concurrent one), so
 * the build lock is taken first. A rebuild under way (say, after a small import that dropped them
 * moments ago) is preempted: its builds are cancelled, and the import's own catalogue:maintain
 * builds everything once, after the write. Writing
 * 500k rows through the trigram indexes instead costs ~60 s. Returns whether it dropped them
 * (false only when the lock could not be had in time: the write then keeps the indexes).
 */
export async function dropSearchIndexesUnlessRebuilding(sql: Sql): Promise<boolean> {
  const connection = await sql.reserve();
  try {
    if (!(await tryBuildLock(connection))) {
      await cancelRunningRebuild(connection);
      if (!(await waitForBuildLock(connection))) return false;
    }
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

async function tryBuildLock(sql: Sql): Promise<boolean> {
  const [lock] = await sql<{ locked: boolean }[]>`
    select pg_try_advisory_lock(${SEARCH_INDEX_BUILD_LOCK}::bigint) as locked`;
  return lock?.locked ?? false;
}

/**
 * Cancels a build of a list index under way in this database (ensureSearchIndexes). The invalid
 * index a cancelled CREATE INDEX CONCURRENTLY leaves is dropped with the others; a session merely
 * dropping them, another import, is left to finish.
 */
async function cancelRunningRebuild(sql: Sql): Promise<void> {
  const builds = Object.keys(SEARCH_INDEXES).map(searchIndexBuildStatement);
  await sql`
    select pg_cancel_backend(pid) from pg_stat_activity
    where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
      and query in ${sql(builds)}`;
}

async function waitForBuildLock(sql: Sql): Promise<boolean> {
  const deadline = Date.now() + PREEMPT_WAIT_MS;
  while (Date.now() < deadline) {
    if (await tryBuildLock(sql)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
