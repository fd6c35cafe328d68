import type { Sql } from '@acme/db';
import type {
  TImportChange,
  TImportChangeKind,
  TImportSampleRow,
  TProductFields,
} from '@acme/shared';
import { stagingTables } from './catalogue-merge.ts';

/**
 * Reads the rows an import in review staged, for `imports.changes` and `imports.sample`: the
 * `latest` table of its classification (one row per SKU, with the product it overwrites) and the
 * staging table (every row in file order, invalid ones with their error). Pages go in file order;
 * the tables have no index, so each page is a top-N sort of one scan (~0.1 s on 500k rows).
 * Throws PostgreSQL's undefined_table (42P01) when the tables are gone.
 */
export async function stagedChanges(
  sql: Sql,
  importId: string,
  { kind, page, pageSize }: { kind: TImportChangeKind; page: number; pageSize: number },
): Promise<{ items: TImportChange[]; total: number }> {
  const tables = stagingTables(importId);
  const offset = (page - 1) * pageSize;
  if (kind === 'invalid') {
    const where = `from ${tables.rows} where error is not null`;
    const [rows, [count]] = await Promise.all([
      sql.unsafe<{ line: number; sku: string | null; error: string }[]>(
        `select line, sku, error ${where} order by line limit $1 offset $2`,
        [pageSize, offset],
      ),
      sql.unsafe<{ total: number }[]>(`select count(*)::int as total ${where}`),
    ]);
    return {
      items: rows.map(({ line, sku, error }) => ({ line, sku, after: null, before: null, error })),
      total: count?.total ?? 0,
    };
  }
  const filter = {
    created: 'l.product_id is null',
    updated: 'l.write and l.product_id is not null',
    unchanged: 'not l.write',
  }[kind];
  const [rows, [count]] = await Promise.all([
    sql.unsafe<ChangeRow[]>(
      `select l.line, l.sku, l.name, l.description, l.active,
         p.sku as before_sku, p.name as before_name, p.description as before_description,
         p.active as before_active
       from ${tables.latest} l
       left join products p on p.id = l.product_id
       where ${filter}
       order by l.line limit $1 offset $2`,
      [pageSize, offset],
    ),
    sql.unsafe<{ total: number }[]>(
      `select count(*)::int as total from ${tables.latest} l where ${filter}`,
    ),
  ]);
  return { items: rows.map(toChange), total: count?.total ?? 0 };
}

/** The file's first valid rows as the mapping read them. */
export async function stagedSample(
  sql: Sql,
  importId: string,
  limit: number,
): Promise<TImportSampleRow[]> {
  const rows = await sql.unsafe<TImportSampleRow[]>(
    `select line, sku, name, description, active from ${stagingTables(importId).rows}
     where error is null order by line limit $1`,
    [limit],
  );
  return [...rows];
}

interface ChangeRow extends TProductFields {
  line: number;
  before_sku: string | null;
  before_name: string | null;
  before_description: string | null;
  before_active: boolean | null;
}

function toChange(row: ChangeRow): TImportChange {
  const after = { sku: row.sku, name: row.name, description: row.description, active: row.active };
  const before =
    row.before_sku === null
      ? null
      : {
          sku: row.before_sku,
          name: row.before_name ?? '',
          description: row.before_description ?? '',
          active: row.before_active ?? true,
        };
  return { line: row.line, sku: row.sku, after, before, error: null };
}
