import { readCatalogueState, transaction, type Sql, type Transaction } from '@acme/db';
import { enqueueJob } from './enqueue.ts';
import { shouldDropSearchIndexes } from './import/catalogue-merge.ts';
import { dropSearchIndexesUnlessRebuilding } from './import/search-index-switch.ts';
import { MAINTAIN_CATALOGUE } from './tasks/maintain-catalogue.ts';

/**
 * Runs a bulk change of the catalogue that writes about `writes` rows (a revert, a restore, a
 * change of `active` on every match of a filter) in one transaction, the way an import writes:
 * each written row gets new entries in every index, trigrams included. When that is a
 * large share of the catalogue, the list's indexes are dropped first (maintaining trigram entries
 * row by row would make it many times slower) and catalogue:maintain rebuilds them once the
 * transaction is over, whether it committed or not. Small changes keep the indexes.
 */
export async function bulkCatalogueWrite<T>(
  sql: Sql,
  writes: number,
  write: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const { total } = await readCatalogueState(sql);
  const dropped =
    shouldDropSearchIndexes({ writes, catalogue: total }) &&
    (await dropSearchIndexesUnlessRebuilding(sql));
  try {
    return await transaction(sql, async (tx) => {
      const result = await write(tx);
      if (dropped) await enqueueJob(tx.sql, MAINTAIN_CATALOGUE, {}, { jobKey: MAINTAIN_CATALOGUE });
      return result;
    });
  } catch (error) {
    if (dropped) await enqueueJob(sql, MAINTAIN_CATALOGUE, {}, { jobKey: MAINTAIN_CATALOGUE });
    throw error;
  }
}
