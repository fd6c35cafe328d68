import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { TImport } from '@acme/shared';
import { stagingTables } from './catalogue-merge.ts';
import { CATALOGUE_CHANGED } from './staged-import.ts';
import { stagedChanges, stagedSample } from './staged-rows.ts';
import { confirmImport } from './state/index.ts';
import {
  errorsOf,
  productsBySku,
  readImport,
  storeFile,
  useInProcessWorker,
  waitForFinal,
} from '@acme/testing';

const files = useInProcessWorker();
beforeEach(async () => {
  await files.database.sql`
    insert into products (sku, name, description, active) values
      ('UPD-1', 'Old name', 'Old text', true),
      ('SAME-1', 'Same', 'Same text', false),
      ('UPD-2', 'Lamp', 'Bright', true)`;
});

/** Every kind of row: new, changed, identical, a repeated SKU, invalid, blank. */
const FILE =
  'sku,name,description,active\n' +
  'NEW-1,New one,Fresh,yes\n' +
  'upd-1,New name,Old text,yes\n' +
  'SAME-1,Same,Same text,no\n' +
  'NEW-2,Second,,\n' +
  ',No sku,,\n' +
  '\n' +
  'UPD-2,Lamp,Dim,\n' +
  'NEW-2,Second v2,Later row wins,\n';

async function reviewed(file = FILE): Promise<TImport> {
  const id = await storeFile(files.database.sql, 'review.csv', Buffer.from(file), { review: true });
  return waitForStatus(id, 'review');
}

async function waitForStatus(id: string, status: TImport['status']): Promise<TImport> {
  return vi.waitFor(
    async () => {
      const state = await readImport(files.database.db, id);
      if (state.status !== status) throw new Error(`import is ${state.status}, not ${status}`);
      return state;
    },
    { timeout: 20_000, interval: 50 },
  );
}

/** `imports.confirm`, then the write it queues, to the end. */
async function confirm(id: string): Promise<TImport> {
  await confirmImport({ sql: files.database.sql, bus: files.worker.bus }, id);
  return waitForFinal(files.database, id);
}

async function stagingExists(id: string): Promise<boolean> {
  const { rows, latest } = stagingTables(id);
  const [row] = await files.database.sql<{ found: boolean }[]>`
    select to_regclass(${rows}) is not null and to_regclass(${latest}) is not null as found`;
  return row?.found ?? false;
}

const PREVIEW = { created: 2, updated: 2, unchanged: 1, invalid: 1, duplicates: 1, blank: 1 };

describe('an import with review', () => {
  test('stops in review with the preview, writing nothing; confirmed, it gives the same counts', async () => {
    const before = await productsBySku(files.database.sql);
    const review = await reviewed();
    expect(review).toMatchObject({
      status: 'review',
      review: true,
      phase: null,
      preview: PREVIEW,
      rowsProcessed: 8,
      invalid: 1,
      blank: 1,
      created: 0,
      updated: 0,
      format: { encoding: 'utf-8', delimiter: ',', compression: null },
      confirmedAt: null,
      finishedAt: null,
    });
    expect(await productsBySku(files.database.sql)).toEqual(before);
    expect(await stagingExists(review.id)).toBe(true);
    expect(await errorsOf(files.database.sql, review.id)).toEqual([]);

    // The write reuses the staged rows: the file is not read again (here, it is gone).
    await files.database.sql`delete from import_file_chunks where import_id = ${review.id}`;
    const final = await confirm(review.id);
    const { created, updated, unchanged, invalid, duplicates, blank } = final;
    expect({ created, updated, unchanged, invalid, duplicates, blank }).toEqual(PREVIEW);
    expect(final).toMatchObject({ status: 'completed', rowsProcessed: 8, preview: PREVIEW });
    expect(final.confirmedAt).toBeInstanceOf(Date);
    expect(final.warnings).not.toContain(CATALOGUE_CHANGED);
    // Dropped on the attempt's way out, just after the final state commits.
    await expect.poll(() => stagingExists(review.id)).toBe(false);
    expect(await productsBySku(files.database.sql)).toEqual([
      { sku: 'NEW-1', name: 'New one', description: 'Fresh', active: true },
      { sku: 'NEW-2', name: 'Second v2', description: 'Later row wins', active: true },
      { sku: 'SAME-1', name: 'Same', description: 'Same text', active: false },
      { sku: 'upd-1', name: 'New name', description: 'Old text', active: true },
      { sku: 'UPD-2', name: 'Lamp', description: 'Dim', active: true },
    ]);
    expect(await errorsOf(files.database.sql, review.id)).toEqual([
      { line: 6, sku: null, message: 'sku is required' },
    ]);
  });

  test('pages through each kind of change, an updated row with its before and after', async () => {
    const { id } = await reviewed();
    const page = (kind: 'created' | 'updated' | 'unchanged' | 'invalid', p = 1, size = 25) =>
      stagedChanges(files.database.sql, id, { kind, page: p, pageSize: size });

    expect(await page('updated')).toEqual({
      total: 2,
      items: [
        {
          line: 3,
          sku: 'upd-1',
          before: { sku: 'UPD-1', name: 'Old name', description: 'Old text', active: true },
          after: { sku: 'upd-1', name: 'New name', description: 'Old text', active: true },
          error: null,
        },
        {
          line: 8,
          sku: 'UPD-2',
          // The file gives no `active`: the product keeps its own.
          before: { sku: 'UPD-2', name: 'Lamp', description: 'Bright', active: true },
          after: { sku: 'UPD-2', name: 'Lamp', description: 'Dim', active: true },
          error: null,
        },
      ],
    });
    const created = await page('created', 2, 1);
    expect(created.total).toBe(2);
    expect(created.items).toEqual([
      {
        line: 9, // the last row of NEW-2 is the one stored
        sku: 'NEW-2',
        before: null,
        after: { sku: 'NEW-2', name: 'Second v2', description: 'Later row wins', active: true },
        error: null,
      },
    ]);
    expect((await page('unchanged')).items.map((item) => [item.sku, item.before?.active])).toEqual([
      ['SAME-1', false],
    ]);
    expect(await page('invalid')).toEqual({
      total: 1,
      items: [{ line: 6, sku: null, before: null, after: null, error: 'sku is required' }],
    });
    expect(await stagedSample(files.database.sql, id, 2)).toEqual([
      { line: 2, sku: 'NEW-1', name: 'New one', description: 'Fresh', active: true },
      { line: 3, sku: 'upd-1', name: 'New name', description: 'Old text', active: true },
    ]);
  });

  test('a catalogue changed since the review: compared again, true counts, and it says so', async () => {
    const review = await reviewed();
    expect(review.preview).toEqual(PREVIEW);
    // Someone creates NEW-1 meanwhile, and makes UPD-2 identical to the file's row.
    await files.database
      .sql`insert into products (sku, name, description) values ('new-1', 'Other', '')`;
    await files.database.sql`update products set description = 'Dim' where sku = 'UPD-2'`;

    const final = await confirm(review.id);
    expect(final).toMatchObject({
      status: 'completed',
      created: 1,
      updated: 2, // upd-1, and new-1 overwritten
      unchanged: 2,
      invalid: 1,
      duplicates: 1,
      blank: 1,
      preview: PREVIEW,
    });
    expect(final.warnings).toContain(CATALOGUE_CHANGED);
    expect((await productsBySku(files.database.sql)).find((p) => p.sku === 'NEW-1')).toMatchObject({
      name: 'New one',
    });
  });

  test('a confirmed import whose staging tables are gone stages its stored file again', async () => {
    const review = await reviewed();
    const { rows, latest } = stagingTables(review.id);
    await files.database.sql.unsafe(`drop table ${rows}, ${latest}`);
    const final = await confirm(review.id);
    const { created, updated, unchanged, invalid, duplicates, blank } = final;
    expect({ created, updated, unchanged, invalid, duplicates, blank }).toEqual(PREVIEW);
    expect(final.status).toBe('completed');
  });

  test('a file whose sku and name cannot be mapped waits in review with its columns, no preview', async () => {
    const id = await storeFile(files.database.sql, 'own.csv', Buffer.from('foo,bar\nA,B\n'), {
      review: true,
    });
    const waiting = await waitForStatus(id, 'review');
    expect(waiting).toMatchObject({ preview: null, mapping: null, columns: ['foo', 'bar'] });
    expect(waiting.suggestions?.map((s) => s.field)).toEqual(
      expect.arrayContaining(['sku', 'name']),
    );
    expect(await stagingExists(id)).toBe(false);
    // Without review the same file fails, naming the columns it found.
    const failed = await waitForFinal(
      files.database,
      await storeFile(files.database.sql, 'own.csv', Buffer.from('foo,bar\nA,B\n')),
    );
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/foo/);
  });
});
