import type { Sql, StagedSummary, TransactionSql } from '@acme/db';
import type { TImportPreview } from '@acme/shared';
import { stagingTablesExist } from './catalogue-merge.ts';

export type { StagedSummary };

/** Said by an import whose write found the catalogue changed since its preview. */
export const CATALOGUE_CHANGED =
  'The catalogue changed since the preview, so the rows were compared with it again: the counts are those of the catalogue when the import was applied.';

/** Records what the import's staging tables hold (in the transaction that changed them). */
export async function saveStagedSummary(
  sql: Sql | TransactionSql,
  importId: string,
  summary: StagedSummary,
): Promise<void> {
  await sql`update imports set staged = ${JSON.stringify(summary)}::jsonb where id = ${importId}`;
}

/**
 * What a confirmed review staged, when its staging tables are still there to write from; undefined
 * when the rows must be staged again (a new mapping, or an earlier write attempt that dropped
 * them on its way out).
 */
export async function reusableStaging(
  sql: Sql,
  importId: string,
): Promise<StagedSummary | undefined> {
  const [row] = await sql<{ staged: StagedSummary | null }[]>`
    select staged from imports where id = ${importId}`;
  if (!row?.staged?.classified) return undefined;
  return (await stagingTablesExist(sql, importId)) ? row.staged : undefined;
}

/**
 * The counts the write will give, from the classification of the staged rows: exactly those of
 * `writeCatalogue` as long as the catalogue does not change before it runs.
 */
export function previewOf(
  staged: StagedSummary,
  classified: NonNullable<StagedSummary['classified']>,
): TImportPreview {
  return {
    created: classified.created,
    updated: classified.writes - classified.created,
    unchanged: classified.distinct - classified.writes,
    invalid: staged.invalid,
    duplicates: staged.rows - staged.invalid - classified.distinct,
    blank: staged.blank,
  };
}
