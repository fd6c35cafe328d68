import type { Task } from 'graphile-worker';
import { ensureSearchIndexes, foldProductCounters } from '@acme/db';
import type { JobDeps } from '../deps.ts';

export const MAINTAIN_CATALOGUE = 'catalogue:maintain';

const QUERY_CANCELED = '57014';

/**
 * Housekeeping that keeps the list page fast; runs every minute from cron and right after each
 * import commits:
 * - rebuilds any list index a bulk import dropped (or an interrupted build left invalid);
 * - merges the trigram indexes' pending lists (small API writes append there);
 * - folds the product counter rows into one, so the O(1) totals and version stay a sum of a few rows.
 */
export function maintainCatalogue(deps: JobDeps): Task {
  return async (_payload, helpers) => {
    let rebuilt: string[];
    try {
      rebuilt = await ensureSearchIndexes(deps.sql);
    } catch (error) {
      // A large import cancelled the build to drop the indexes (search-index-switch.ts); it
      // enqueues this task again after its write commits.
      if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
      helpers.logger.info('search index rebuild preempted by an import; it runs after that import');
      return;
    }
    if (rebuilt.length) helpers.logger.info('rebuilt search indexes', { indexes: rebuilt });
    const valid = await deps.sql<{ name: string }[]>`
      select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname like 'products\_%\_trgm' and i.indisvalid`;
    for (const { name } of valid) {
      await deps.sql`select gin_clean_pending_list(${name}::regclass)`;
    }
    await foldProductCounters(deps.sql);
  };
}
