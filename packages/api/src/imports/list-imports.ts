import { asc, desc, eq, importErrors, imports, sql, type Db } from '@acme/db';
import type { z } from 'zod';
import type { ZImportErrorsInput, ZImportListInput } from '@acme/shared';
import { getImport, importStateColumns } from '@acme/jobs/import-state';

/** Newest first; the index on created_at serves both the order and the page. */
export async function listImports(db: Db, { page, pageSize }: z.output<typeof ZImportListInput>) {
  const [items, [totals]] = await Promise.all([
    db
      .select(importStateColumns)
      .from(imports)
      .orderBy(desc(imports.createdAt), desc(imports.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ total: sql<number>`count(*)::int` }).from(imports),
  ]);
  return { items, total: totals?.total ?? 0, page, pageSize };
}

/** The rows an import skipped, in file order; NOT_FOUND for an unknown import. */
export async function listImportErrors(db: Db, input: z.output<typeof ZImportErrorsInput>) {
  await getImport(db, input.id);
  return { ...(await pageImportErrors(db, input)), page: input.page, pageSize: input.pageSize };
}

/** One page of the rows an import skipped, in file order, and how many there are. */
export async function pageImportErrors(
  db: Db,
  { id, page, pageSize }: { id: string; page: number; pageSize: number },
) {
  const where = eq(importErrors.importId, id);
  const [items, [totals]] = await Promise.all([
    db
      .select({ line: importErrors.line, sku: importErrors.sku, message: importErrors.message })
      .from(importErrors)
      .where(where)
      .orderBy(asc(importErrors.line), asc(importErrors.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(importErrors)
      .where(where),
  ]);
  return { items, total: totals?.total ?? 0 };
}
