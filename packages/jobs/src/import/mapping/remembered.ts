import { createHash } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import { ZColumnMapping, type TColumnMapping } from '@acme/shared';

/**
 * What identifies "the same columns": the header's names trimmed, lower-cased, inner spaces
 * collapsed, empty ones left out, in any order. A SHA-256, so a header of hundreds of columns
 * still fits a primary key.
 */
export function headerSignature(columns: readonly string[]): string {
  const names = [
    ...new Set(
      columns.map((column) => column.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean),
    ),
  ].sort();
  return createHash('sha256').update(JSON.stringify(names)).digest('hex');
}

/** The mapping remembered for a header signature, or null (none, or one that no longer parses). */
export async function rememberedMapping(
  sql: Sql | TransactionSql,
  signature: string,
): Promise<TColumnMapping | null> {
  const [row] = await sql<{ mapping: unknown }[]>`
    select mapping from import_mappings where signature = ${signature}`;
  const parsed = ZColumnMapping.safeParse(row?.mapping);
  return parsed.success ? parsed.data : null;
}

/**
 * Remembers a mapping for files with these columns (a confirmed review, or a mapping given with
 * an upload); the newest wins. Pass the transaction that confirms, so both commit together.
 */
export async function rememberMapping(
  sqlOrTx: Sql | TransactionSql,
  columns: readonly string[],
  mapping: TColumnMapping,
): Promise<void> {
  const trimmed = columns.map((column) => column.trim());
  await sqlOrTx`
    insert into import_mappings (signature, mapping, columns, updated_at)
    values (${headerSignature(columns)}, ${JSON.stringify(mapping)}::jsonb, ${JSON.stringify(trimmed)}::jsonb, now())
    on conflict (signature) do update
      set mapping = excluded.mapping, columns = excluded.columns, updated_at = now()`;
}
