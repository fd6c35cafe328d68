import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { beforeEach, expect, test } from 'vitest';
import { transaction } from '@acme/db';
import {
  catalogueIsEmpty,
  classifyRows,
  createStagingTable,
  dropStagingTables,
  openStagingCopy,
  writeCatalogue,
  type Classification,
} from './catalogue-merge.ts';
import { productsBySku, useTestDatabase } from '@acme/testing';

const database = useTestDatabase();
const importId = '00000000-0000-4000-8000-000000000001';

beforeEach(async () => {
  await database.sql`truncate products`;
  await dropStagingTables(database.sql, importId);
  await transaction(database.sql, async ({ sql: tx }) => {
    await createStagingTable(tx, importId);
    // line, sku, name, description, active, error (COPY text)
    const rows = [
      '2\tA-1\tAlpha\t\t\\N\t\\N',
      '3\tb-2\tBeta\tfirst\ttrue\t\\N',
      '4\tC-3\t\\N\t\\N\t\\N\tname is required',
      '5\tB-2\tBeta v2\tlast wins\t\\N\t\\N',
      '6\tD-4\tDelta\t\tfalse\t\\N',
    ];
    await pipeline(Readable.from([rows.join('\n') + '\n']), await openStagingCopy(tx, importId));
  });
});

const classify = async () =>
  classifyRows(database.sql, importId, { compare: !(await catalogueIsEmpty(database.sql)) });

const write = (classification: Classification, options: { chunkRows?: number } = {}) => {
  const written: number[] = [];
  return transaction(database.sql, async ({ sql: tx }) => {
    const counts = await writeCatalogue(
      tx,
      importId,
      classification,
      {
        running: () => {},
        written: (rows) => written.push(rows),
        ...options,
      },
      { journal: true },
    );
    return { counts, written };
  });
};

test('into an empty catalogue: plain inserts, last row per SKU, active unless the row says no', async () => {
  const classification = await classify();
  expect(classification).toMatchObject({ compared: false, distinct: 3, writes: 3 });
  expect((await write(classification)).counts).toEqual({ created: 3, updated: 0, unchanged: 0 });
  expect(await productsBySku(database.sql)).toEqual([
    { sku: 'A-1', name: 'Alpha', description: '', active: true },
    { sku: 'B-2', name: 'Beta v2', description: 'last wins', active: true },
    { sku: 'D-4', name: 'Delta', description: '', active: false },
  ]);
});

test('a product created after the emptiness check: falls back to the classified merge', async () => {
  const classification = await classify();
  expect(classification.compared).toBe(false);
  // written by someone else between the check and the import's write
  await database.sql`
    insert into products (sku, name, description, active)
    values ('b-2', 'Beta (API)', 'x', false), ('A-1', 'Alpha', '', true)`;
  expect((await write(classification)).counts).toEqual({ created: 1, updated: 1, unchanged: 1 });
  expect(await productsBySku(database.sql)).toEqual([
    { sku: 'A-1', name: 'Alpha', description: '', active: true },
    // the row gives no active value: the existing product keeps its own
    { sku: 'B-2', name: 'Beta v2', description: 'last wins', active: false },
    { sku: 'D-4', name: 'Delta', description: '', active: false },
  ]);
});

test('writes in chunks, reporting the products written after each one', async () => {
  await database.sql`
    insert into products (sku, name, description) values ('A-1', 'Alpha (old)', '')`;
  await dropStagingTables(database.sql, importId);
  await transaction(database.sql, async ({ sql: tx }) => {
    await createStagingTable(tx, importId);
    const rows = Array.from({ length: 1_000 }, (_, i) => `${i + 2}\tS-${i}\tName ${i}\t\t\\N\t\\N`);
    rows.push('1002\tA-1\tAlpha\t\t\\N\t\\N');
    await pipeline(Readable.from([rows.join('\n') + '\n']), await openStagingCopy(tx, importId));
  });
  const classification = await classify();
  expect(classification).toMatchObject({ compared: true, distinct: 1_001, writes: 1_001 });

  const { counts, written } = await write(classification, { chunkRows: 100 });

  expect(counts).toEqual({ created: 1_000, updated: 1, unchanged: 0 });
  expect(written.length).toBeGreaterThanOrEqual(5);
  expect(written).toEqual([...written].sort((a, b) => a - b));
  expect(written.at(-1)).toBe(1_001);
  const [count] = await database.sql<{ n: number }[]>`select count(*)::int as n from products`;
  expect(count!.n).toBe(1_001);
});

/** The import's journal: before-images of updated products (by SKU), ids of created ones. */
async function journal() {
  return database.sql<{ sku: string; before: string | null; created: boolean }[]>`
    select p.sku, j.name as before, j.sku is null as created
    from import_journal j join products p on p.id = j.product_id
    where j.import_id = ${importId} order by lower(p.sku)`.then((rows) => [...rows]);
}

test('journal: the ids of the products created, the before-image of those updated, nothing else', async () => {
  await database.sql`truncate import_journal`;
  await database.sql`
    insert into products (sku, name, description, active)
    values ('a-1', 'Alpha (old)', 'old', true), ('D-4', 'Delta', '', false)`;
  const classification = await classify();
  expect((await write(classification)).counts).toEqual({ created: 1, updated: 1, unchanged: 1 });
  expect(await journal()).toEqual([
    { sku: 'A-1', before: 'Alpha (old)', created: false },
    { sku: 'B-2', before: null, created: true },
  ]);
  const [entry] = await database.sql<{ sku: string; description: string }[]>`
    select sku, description from import_journal where import_id = ${importId} and sku is not null`;
  expect(entry).toEqual({ sku: 'a-1', description: 'old' });
});

test('journal: into an empty catalogue, every product created; none when journaling is off', async () => {
  await database.sql`truncate import_journal`;
  const classification = await classify();
  expect(classification.compared).toBe(false);
  await write(classification);
  expect(await journal()).toEqual([
    { sku: 'A-1', before: null, created: true },
    { sku: 'B-2', before: null, created: true },
    { sku: 'D-4', before: null, created: true },
  ]);

  await database.sql`truncate products, import_journal`;
  await transaction(database.sql, async ({ sql: tx }) => {
    await writeCatalogue(tx, importId, await classify(), { running: () => {} }, { journal: false });
  });
  const [count] = await database.sql<
    { n: number }[]
  >`select count(*)::int as n from import_journal`;
  expect(count!.n).toBe(0);
});

test('journal: rolled back with the write', async () => {
  await database.sql`truncate import_journal`;
  const classification = await classify();
  await expect(
    transaction(database.sql, async ({ sql: tx }) => {
      await writeCatalogue(tx, importId, classification, { running: () => {} }, { journal: true });
      throw new Error('the import failed after its write');
    }),
  ).rejects.toThrow('after its write');
  const [count] = await database.sql<
    { n: number }[]
  >`select count(*)::int as n from import_journal`;
  expect(count!.n).toBe(0);
});
