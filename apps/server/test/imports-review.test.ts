import { beforeEach, describe, expect, it } from 'vitest';
import { rescueStalledImports } from '@acme/jobs';
import { testLogger } from '@acme/testing';
import {
  failure,
  upload,
  seedImport,
  stagingTables,
  uploadForReview,
  waitForImport,
  useServerWithWorker,
} from './helpers.ts';

const t = useServerWithWorker();
beforeEach(async () => {
  await t.sql`truncate products`;
  await t.sql`
    insert into products (sku, name, description, active) values
      ('KET-1', 'Kettle', 'Boils water', true), ('LMP-1', 'Lamp', 'Bright', true)`;
});

const FILE =
  'sku,name,description,active\n' +
  'KET-1,Kettle,Boils water faster,\n' +
  'LMP-1,Lamp,Bright,\n' +
  'NEW-1,Mug,Holds tea,no\n' +
  'NEW-2,,No name,\n';

describe('an upload with review=true', () => {
  it('waits in review with its preview; changes, sample, then confirm applies the same counts', async () => {
    const review = await uploadForReview(t, FILE);
    expect(review).toMatchObject({
      status: 'review',
      review: true,
      preview: { created: 1, updated: 1, unchanged: 1, invalid: 1, duplicates: 0, blank: 0 },
    });
    expect(await t.sql`select sku from products order by sku`).toHaveLength(2);

    const updated = await t.api.imports.changes.query({ id: review.id, kind: 'updated' });
    expect(updated).toEqual({
      page: 1,
      pageSize: 25,
      total: 1,
      items: [
        {
          line: 2,
          sku: 'KET-1',
          before: { sku: 'KET-1', name: 'Kettle', description: 'Boils water', active: true },
          after: { sku: 'KET-1', name: 'Kettle', description: 'Boils water faster', active: true },
          error: null,
        },
      ],
    });
    const invalid = await t.api.imports.changes.query({ id: review.id, kind: 'invalid' });
    expect(invalid.items).toEqual([
      { line: 5, sku: 'NEW-2', before: null, after: null, error: 'name is required' },
    ]);
    const created = await t.api.imports.changes.query({ id: review.id, kind: 'created' });
    expect(created.items.map((item) => item.after)).toEqual([
      { sku: 'NEW-1', name: 'Mug', description: 'Holds tea', active: false },
    ]);
    const sample = await t.api.imports.sample.query({ id: review.id });
    expect(sample.items.map((row) => [row.line, row.sku, row.active])).toEqual([
      [2, 'KET-1', null],
      [3, 'LMP-1', null],
      [4, 'NEW-1', false],
    ]);

    const confirmed = await t.api.imports.confirm.mutate({ id: review.id });
    expect(confirmed).toMatchObject({ status: 'queued' });
    expect(confirmed.confirmedAt).toBeInstanceOf(Date);
    const final = await waitForImport(t, review.id, ['completed']);
    expect(final).toMatchObject({ created: 1, updated: 1, unchanged: 1, invalid: 1 });
    // Dropped on the attempt's way out, just after the final state commits.
    await expect.poll(() => stagingTables(t, review.id)).toBe(0);

    // Once written, the staged rows are gone (said in words); the invalid rows stay listed.
    expect(await failure(t.api.imports.changes.query({ id: review.id, kind: 'updated' }))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: `Import ${review.id} is completed: its rows are listed only while it waits for review (its counts say what it did)`,
    });
    expect(
      (await t.api.imports.changes.query({ id: review.id, kind: 'invalid' })).items,
    ).toMatchObject([{ line: 5, error: 'name is required' }]);
    expect(await failure(t.api.imports.confirm.mutate({ id: review.id }))).toEqual({
      code: 'CONFLICT',
      message: `Import ${review.id} is completed; only an import waiting for review can be confirmed`,
    });
  });

  it('an upload without review carries the same format, columns, mapping and preview once it completed', async () => {
    const answer = await upload(t.url, FILE);
    expect(answer.status).toBe(202);
    const final = await waitForImport(t, answer.body.importId!, ['completed']);
    const counts = { created: 1, updated: 1, unchanged: 1, invalid: 1, duplicates: 0, blank: 0 };
    expect(final).toMatchObject({
      review: false,
      ...counts,
      format: { encoding: 'utf-8', delimiter: ',', compression: null, profile: null },
      columns: ['sku', 'name', 'description', 'active'],
      mapping: { sku: 'sku', name: 'name', description: 'description', active: 'active' },
      preview: counts,
    });
  });

  it('cancel discards a review: cancelled, staging tables dropped, catalogue untouched', async () => {
    const review = await uploadForReview(t, FILE);
    expect(await stagingTables(t, review.id)).toBe(2);
    const cancelled = await t.api.imports.cancel.mutate({ id: review.id });
    expect(cancelled.status).toBe('cancelled');
    expect(await stagingTables(t, review.id)).toBe(0);
    expect(await t.sql`select 1 from products`).toHaveLength(2);
    expect(await failure(t.api.imports.sample.query({ id: review.id }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    // A retry reviews it again from the stored file.
    await t.api.imports.retry.mutate({ id: review.id });
    const again = await waitForImport(t, review.id, ['review']);
    expect(again.preview).toMatchObject({ created: 1, updated: 1 });
  });

  it('a review is never rescued as stalled, nor retried', async () => {
    const review = await uploadForReview(t, FILE);
    expect(await failure(t.api.imports.retry.mutate({ id: review.id }))).toEqual({
      code: 'CONFLICT',
      message: `Import ${review.id} is waiting for review; confirm or cancel it`,
    });
    // The rescue runs every 10 s in this worker; an import waiting for a person has no job.
    const rescued = await rescueStalledImports({ sql: t.sql, bus: t.bus, logger: testLogger() });
    expect(rescued).not.toContain(review.id);
    expect((await t.api.imports.byId.query({ id: review.id })).status).toBe('review');
    expect(await stagingTables(t, review.id)).toBe(2);
    await t.api.imports.cancel.mutate({ id: review.id });
  });

  it('refuses a bad review field, and answers clearly before the rows are staged', async () => {
    const bad = await upload(t.url, FILE, { fields: { review: 'maybe' } });
    expect(bad).toEqual({
      status: 400,
      body: {
        code: 'BAD_REQUEST',
        message: 'The field "review" must be true or false; nothing was stored',
      },
    });
    const queued = await seedImport(t, { review: true });
    expect(await failure(t.api.imports.changes.query({ id: queued.id, kind: 'created' }))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: `Import ${queued.id} is still reading its file; its rows can be listed once it waits for review`,
    });
    expect(await failure(t.api.imports.confirm.mutate({ id: queued.id }))).toMatchObject({
      code: 'CONFLICT',
    });
    expect(
      await failure(t.api.imports.changes.query({ id: queued.id, kind: 'moved' as 'created' })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    expect(
      await failure(t.api.imports.changes.query({ id: queued.id, kind: 'created', pageSize: 201 })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
  });
});
